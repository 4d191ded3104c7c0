// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a profile directory for the life of one command. Two processes on one
 * profile would both advance the same libsignal sessions and both connect as the same device,
 * corrupting each other's ratchets; so a second command on a busy profile fails at once and
 * changes nothing. The lock is the operating system's and goes away with the process.
 */
public final class ProfileLock implements AutoCloseable {
    /** The lock file's name in the profile directory. */
    public static final String FILE_NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ProfileLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code profileDir} (which must exist).
     *
     * @throws ClientFailure if another process holds it
     */
    public static ProfileLock acquire(Path profileDir) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    profileDir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw busy(profileDir);
            }
            return new ProfileLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw busy(profileDir);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ClientFailure("cannot lock profile " + profileDir + ": " + e.getMessage());
        }
    }

    /** Whether a profile directory is locked by another process right now. */
    public static boolean isBusy(Path profileDir) {
        if (!Files.isDirectory(profileDir)) {
            return false;
        }
        try (ProfileLock ignored = acquire(profileDir)) {
            return false;
        } catch (ClientFailure e) {
            return true;
        }
    }

    private static ClientFailure busy(Path profileDir) {
        return new ClientFailure("profile " + profileDir + " is in use by another nexuslink command "
                + "(an `inbox --follow` or a `chat`?); stop it first. Nothing was changed.");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lock failure is what the user needs to hear about
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process exits next; the OS drops the lock anyway
        }
    }
}
