// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Database#migrate()} did.
 *
 * @param appliedVersions the versions applied by this run, oldest first; empty when the schema
 *     was already current
 * @param schemaVersion the schema version after the run
 */
public record MigrationResult(List<String> appliedVersions, String schemaVersion) {

    public MigrationResult {
        appliedVersions = List.copyOf(appliedVersions);
        Objects.requireNonNull(schemaVersion, "schemaVersion");
    }

    /** True when the schema was already current and nothing was applied. */
    public boolean isNoop() {
        return appliedVersions.isEmpty();
    }
}
