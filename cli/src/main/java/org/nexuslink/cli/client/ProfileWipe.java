// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.nexuslink.client.NexusClient;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.PanicWipe;
import org.nexuslink.crypto.keystore.WipeReport;

/**
 * Seed 003's panic wipe of a profile directory, as {@code nexuslink wipe} and the local app's
 * wipe run it: every file overwritten with random bytes and deleted. It refuses a directory that
 * is not a profile, so a wrong path cannot destroy something else.
 */
public final class ProfileWipe {
    /** What the user types to confirm. */
    public static final String CONFIRMATION = "WIPE";
    /** Files whose presence marks a directory as a profile. */
    static final List<String> PROFILE_MARKERS =
            List.of(FileKeyVault.FILE_NAME, NexusClient.STORE_FILE, DeviceLinkCommand.PENDING_FILE);

    private ProfileWipe() {}

    /**
     * Fails, changing nothing, unless {@code dir} is a profile directory.
     *
     * @throws ClientFailure naming what is missing
     */
    public static void requireProfile(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ClientFailure("no profile at " + dir + "; nothing was wiped");
        }
        if (PROFILE_MARKERS.stream().noneMatch(name -> Files.exists(dir.resolve(name)))) {
            throw new ClientFailure(dir + " does not look like a NexusLink profile (no "
                    + String.join(", ", PROFILE_MARKERS) + "); refusing to wipe it");
        }
    }

    /**
     * Wipes the profile {@code dir} (checked with {@link #requireProfile} first). The caller has
     * closed every store in it.
     */
    public static WipeReport wipe(Path dir, SecureRandom random) {
        requireProfile(dir);
        return new PanicWipe(random).wipe(dir.toAbsolutePath().normalize());
    }
}
