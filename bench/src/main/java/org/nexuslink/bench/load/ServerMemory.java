// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a local server process's resident memory from {@code /proc/<pid>/status} (Linux), and
 * finds that process from the TCP port it listens on when no pid is given: the listening
 * socket's inode from {@code /proc/net/tcp6} or {@code tcp}, then the process holding it.
 */
final class ServerMemory {
    private ServerMemory() {}

    /** VmRSS of the process in bytes, if readable. */
    static OptionalLong rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** The pid of the local process listening on {@code port}, if it can be found (same user, Linux). */
    static Optional<Long> listening(int port) {
        Optional<String> inode = listeningInode("/proc/net/tcp6", port).or(() -> listeningInode("/proc/net/tcp", port));
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        String target = "socket:[" + inode.get() + "]";
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (target.equals(Files.readSymbolicLink(fd).toString())) {
                                return Optional.of(
                                        Long.parseLong(process.getFileName().toString()));
                            }
                        } catch (IOException ignored) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException ignored) {
                    // another user's process, or gone
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<String> listeningInode(String table, int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        try {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                // f[1] local address:port, f[3] state (0A = LISTEN), f[9] inode
                if (f.length > 9 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                    return Optional.of(f[9]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
