// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.directory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;

/**
 * What a profile remembers of the directory it found its community in
 * ({@code <profile>/directory.json}): the directory's URL and pinned key, the community's id
 * there and the community key the listing named. Holds no secret.
 */
public record JoinedDirectory(String directoryUrl, String directoryKey, String communityId, String communityKey) {
    public static final String FILE = "directory.json";

    public JoinedDirectory {
        Objects.requireNonNull(directoryUrl, "directoryUrl");
        Objects.requireNonNull(directoryKey, "directoryKey");
        Objects.requireNonNull(communityId, "communityId");
        Objects.requireNonNull(communityKey, "communityKey");
    }

    public static Optional<JoinedDirectory> read(Path profileDir) throws IOException {
        try {
            return Optional.of(DirectoryClient.JSON.readValue(
                    Files.readAllBytes(profileDir.resolve(FILE)), JoinedDirectory.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public void write(Path profileDir) throws IOException {
        Path temp = Files.createTempFile(profileDir, FILE, ".tmp");
        Files.write(temp, DirectoryClient.JSON.writeValueAsBytes(this));
        Files.move(temp, profileDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
