// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.server.http.ApiJson;

/**
 * What a community remembers of its registration ({@code <data_dir>/directory-registration.json},
 * written by {@code nexuslink server register}): the directory's URL and id, and this community's
 * id there, which its heartbeats name. Holds no secret.
 */
public record DirectoryRegistration(String directoryUrl, String directoryId, String communityId) {
    public static final String FILE = "directory-registration.json";
    private static final ObjectMapper JSON = ApiJson.create();

    public DirectoryRegistration {
        Objects.requireNonNull(directoryUrl, "directoryUrl");
        Objects.requireNonNull(directoryId, "directoryId");
        Objects.requireNonNull(communityId, "communityId");
    }

    /** The registration kept in {@code dataDir}, if any. */
    public static Optional<DirectoryRegistration> read(Path dataDir) throws IOException {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(dataDir.resolve(FILE)), DirectoryRegistration.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Writes it to {@code dataDir}, replacing any earlier one atomically. */
    public void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path temp = Files.createTempFile(dataDir, FILE, ".tmp");
        Files.write(temp, JSON.writeValueAsBytes(this));
        Files.move(temp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes the registration file (after the listing was deleted). */
    public static void delete(Path dataDir) throws IOException {
        Files.deleteIfExists(dataDir.resolve(FILE));
    }
}
