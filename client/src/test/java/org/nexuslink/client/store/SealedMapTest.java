// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row's group follows its last write: the value-only update that serves the common case (the
 * same key in the same group) must not leave a row in a group it was moved out of.
 */
class SealedMapTest {
    @TempDir
    Path dir;

    @Test
    void a_row_written_again_keeps_or_changes_its_group_as_written() throws Exception {
        TestProfile profile = TestProfile.create(dir, "groups");
        profile.open().close(); // creates the schema
        for (boolean cached : new boolean[] {false, true}) {
            try (StoreDatabase db = new StoreDatabase(
                    DriverManager.getConnection("jdbc:sqlite:" + profile.file()), profile.key(), profile.file())) {
                String table = cached ? "sender_keys" : "kyber_base_keys";
                SealedMap map = cached ? SealedMap.cached(db, table, 10) : new SealedMap(db, table);
                byte[] key = bytes("key");
                byte[] a = bytes("group a");
                byte[] b = bytes("group b");

                db.transaction(() -> map.put(key, a, bytes("one")));
                db.transaction(() -> map.put(key, a, bytes("two"))); // same group: only the value changes
                assertThat(values(map.group(a))).containsExactly("two");

                db.transaction(() -> map.put(key, b, bytes("three"))); // another group
                assertThat(map.group(a)).isEmpty();
                assertThat(values(map.group(b))).containsExactly("three");

                db.transaction(() -> map.put(key, null, bytes("four"))); // no group
                assertThat(map.group(b)).isEmpty();
                assertThat(map.get(key).map(v -> new String(v, UTF_8))).contains("four");

                db.transaction(() -> map.put(key, b, bytes("five")));
                assertThat(map.deleteGroup(b)).isEqualTo(1);
                assertThat(map.get(key)).isEmpty();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static List<String> values(List<SealedMap.Entry> entries) {
        return entries.stream().map(e -> new String(e.value(), UTF_8)).toList();
    }
}
