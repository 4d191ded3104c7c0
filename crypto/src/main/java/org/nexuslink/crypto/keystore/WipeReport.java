// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link PanicWipe} removed, and what it could not.
 *
 * @param files files overwritten (regular files) and deleted, deepest first
 * @param directories directories deleted, deepest first
 * @param failures paths left behind, with the error
 */
public record WipeReport(List<WipedFile> files, List<Path> directories, List<Failure> failures) {
    public WipeReport {
        files = List.copyOf(files);
        directories = List.copyOf(directories);
        failures = List.copyOf(failures);
    }

    /** Whether everything under the profile is gone. */
    public boolean complete() {
        return failures.isEmpty();
    }

    /** A removed file and how many bytes were overwritten first (0 for a link). */
    public record WipedFile(Path path, long overwrittenBytes) {
        public WipedFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** A path that could not be removed. */
    public record Failure(Path path, String error) {
        public Failure {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(error, "error");
        }
    }
}
