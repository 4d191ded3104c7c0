// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.nexuslink.protocol.Bytes;

/**
 * The plaintext of a KYC submission before the account seals it to the compliance key
 * ({@link SigningDomains#KYC_MATERIALS}) and after a reviewer opens it: each required material's
 * name and file bytes, as one JSON object of base64 values ({@code {"government_id":"..."}}),
 * names in sorted order. The directory never sees this form.
 */
public record KycMaterials(SortedMap<String, Bytes> files) {
    public KycMaterials {
        Objects.requireNonNull(files, "files").forEach((name, bytes) -> {
            Objects.requireNonNull(name, "material name");
            Objects.requireNonNull(bytes, "material " + name);
        });
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    /** The materials of {@code files} (name to bytes). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static KycMaterials of(Map<String, Bytes> files) {
        return new KycMaterials(new TreeMap<>(Objects.requireNonNull(files, "files")));
    }

    /** The JSON form: the map itself, not an object holding it. */
    @JsonValue
    public SortedMap<String, Bytes> files() {
        return files;
    }
}
