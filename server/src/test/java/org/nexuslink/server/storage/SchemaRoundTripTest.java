// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.nexuslink.server.testing.DatabaseTest;

/**
 * Writes a row with every column set, and one with every nullable column NULL, into each table,
 * and reads back exactly the values written, through the Java types stores use (Instant, UUID,
 * byte[], Boolean, Integer, Long, String, JSON text).
 */
class SchemaRoundTripTest {

    static final String ALICE = "nxl:" + "a".repeat(56);
    static final String BOB = "nxl:" + "b".repeat(56);
    static final Instant T0 = Instant.parse("2026-11-02T10:15:30.123Z");
    static final UUID CHANNEL = UUID.fromString("0b7e4a52-6f1c-4d8e-9a35-2c4f6e8d1a90");
    static final UUID MEDIA = UUID.fromString("5d1f9c3e-8a42-4b7d-b6e1-9f0a2c3d4e5f");
    static final ObjectMapper JSON = new ObjectMapper();

    /** A JSON document for a {@code ${json}} column, compared by value (PostgreSQL reformats JSONB). */
    record Json(String text) {}

    record Column(String name, Class<?> type, Object value) {}

    /** A row to write; {@code generatedId} tables get their {@code id} from the database. */
    record Row(String table, boolean generatedId, List<Column> columns, String key) {}

    static Column c(String name, Object value) {
        return new Column(name, value.getClass(), value);
    }

    static Column nul(String name, Class<?> type) {
        return new Column(name, type, null);
    }

    static Row row(String table, String key, Column... columns) {
        return new Row(table, false, List.of(columns), key);
    }

    static Row generated(String table, Column... columns) {
        return new Row(table, true, List.of(columns), "id = :id");
    }

    static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7);
        }
        return bytes;
    }

    /** Rows in foreign-key order. */
    static List<Row> rows() {
        String device = "account_id = :account_id AND device_id = :device_id";
        return List.of(
                row(
                        "server_identity",
                        "id = :id",
                        c("id", 1),
                        c("server_id", "x".repeat(64)),
                        c("created_at", T0),
                        c("public_key", bytes(32, 3))),
                row(
                        "members",
                        "account_id = :account_id",
                        c("account_id", ALICE),
                        c("identity_key", bytes(33, 1)),
                        c("display_name", "Alice Ω"),
                        c("role", "admin"),
                        c("is_banned", true),
                        c("banned_at", T0.plusSeconds(60)),
                        c("joined_at", T0)),
                row(
                        "members",
                        "account_id = :account_id",
                        c("account_id", BOB),
                        c("identity_key", bytes(33, 2)),
                        nul("display_name", String.class),
                        c("role", "member"),
                        c("is_banned", false),
                        nul("banned_at", Instant.class),
                        c("joined_at", T0)),
                row(
                        "devices",
                        device,
                        c("account_id", ALICE),
                        c("device_id", 1),
                        c("device_key", bytes(33, 3)),
                        c("certificate", bytes(140, 4)),
                        c("device_type", "desktop"),
                        c("os", "linux 6.8"),
                        c("app_version", "0.1.0"),
                        c("push_token", "fcm:" + "t".repeat(400)),
                        c("registered_at", T0),
                        c("last_active_at", T0.plusMillis(1)),
                        c("revoked_at", T0.plusMillis(2))),
                row(
                        "devices",
                        device,
                        c("account_id", BOB),
                        c("device_id", 127),
                        c("device_key", bytes(33, 5)),
                        c("certificate", bytes(140, 6)),
                        c("device_type", "phone"),
                        nul("os", String.class),
                        nul("app_version", String.class),
                        nul("push_token", String.class),
                        c("registered_at", T0),
                        c("last_active_at", T0),
                        nul("revoked_at", Instant.class)),
                row(
                        "device_revocations",
                        "account_id = :account_id AND device_key = :device_key",
                        c("account_id", ALICE),
                        c("device_key", bytes(32, 30)),
                        c("device_id", 127),
                        c("revocation", bytes(180, 31)),
                        c("revoked_at", T0.plusMillis(3))),
                row(
                        "device_revocations",
                        "account_id = :account_id AND device_key = :device_key",
                        c("account_id", ALICE),
                        c("device_key", bytes(32, 32)),
                        c("device_id", 1),
                        nul("revocation", byte[].class),
                        c("revoked_at", T0)),
                // V8 creates kt_state's one row; the test deletes it before writing its own.
                row("kt_state", "id = :id", c("id", 1), c("tree_size", (1L << 53) + 1)),
                row(
                        "kt_leaves",
                        "leaf_index = :leaf_index",
                        c("leaf_index", 1L << 40),
                        c("account_id", ALICE),
                        c("entry", bytes(300, 40)),
                        c("logged_at", 1_800_000_000_123L)),
                row(
                        "kt_nodes",
                        "level = :level AND node_index = :node_index",
                        c("level", 62),
                        c("node_index", 1L),
                        c("hash", bytes(32, 41))),
                row(
                        "kt_heads",
                        "tree_size = :tree_size",
                        c("tree_size", 1L << 40),
                        c("root_hash", bytes(32, 42)),
                        c("signed_at", 1_800_000_000_123L),
                        c("signature", bytes(64, 43))),
                row(
                        "prekeys",
                        device + " AND key_id = :key_id",
                        c("account_id", BOB),
                        c("device_id", 127),
                        c("key_id", 0xFFFFFF),
                        c("public_key", bytes(33, 7)),
                        c("uploaded_at", T0)),
                row(
                        "kyber_prekeys",
                        device + " AND key_id = :key_id",
                        c("account_id", BOB),
                        c("device_id", 127),
                        c("key_id", 42),
                        c("public_key", bytes(1569, 8)),
                        c("signature", bytes(64, 9)),
                        c("is_last_resort", true),
                        c("uploaded_at", T0)),
                row(
                        "signed_prekeys",
                        device,
                        c("account_id", BOB),
                        c("device_id", 127),
                        c("key_id", 7),
                        c("public_key", bytes(33, 10)),
                        c("signature", bytes(64, 11)),
                        c("uploaded_at", T0)),
                row(
                        "auth_challenges",
                        "nonce = :nonce",
                        c("nonce", bytes(32, 12)),
                        c("account_id", BOB),
                        c("device_id", 127),
                        c("created_at", T0),
                        c("expires_at", T0.plusSeconds(60))),
                row(
                        "auth_tokens",
                        "token_hash = :token_hash",
                        c("token_hash", bytes(32, 13)),
                        c("account_id", BOB),
                        c("device_id", 127),
                        c("created_at", T0),
                        c("expires_at", T0.plusSeconds(3600))),
                row(
                        "channels",
                        "id = :id",
                        c("id", CHANNEL),
                        c("name", "general"),
                        c("channel_type", "announcement"),
                        c("description", "x".repeat(5000)),
                        c("is_private", true),
                        c("created_by", ALICE),
                        c("created_at", T0),
                        c("is_archived", true)),
                row(
                        "channels",
                        "id = :id",
                        c("id", MEDIA),
                        c("name", "voice"),
                        c("channel_type", "voice"),
                        nul("description", String.class),
                        c("is_private", false),
                        nul("created_by", String.class),
                        c("created_at", T0),
                        c("is_archived", false)),
                row(
                        "channel_members",
                        "channel_id = :channel_id AND account_id = :account_id",
                        c("channel_id", CHANNEL),
                        c("account_id", BOB),
                        c("added_by", ALICE),
                        c("added_at", T0)),
                row(
                        "channel_permissions",
                        "channel_id = :channel_id AND role = :role",
                        c("channel_id", CHANNEL),
                        c("role", "moderator"),
                        c("can_read", true),
                        c("can_write", false),
                        c("can_manage", true)),
                row(
                        "channel_conditions",
                        "channel_id = :channel_id AND kind = :kind",
                        c("channel_id", CHANNEL),
                        c("kind", "min_membership_age"),
                        c("value", "604800")),
                row(
                        "channel_conditions",
                        "channel_id = :channel_id AND kind = :kind",
                        c("channel_id", CHANNEL),
                        c("kind", "min_role"),
                        c("value", "moderator")),
                generated(
                        "member_overrides",
                        c("account_id", BOB),
                        c("channel_id", CHANNEL),
                        c("can_read", true),
                        c("can_write", false),
                        c("can_manage", false),
                        c("reason", "spam"),
                        c("created_by", ALICE),
                        c("created_at", T0),
                        c("expires_at", T0.plusSeconds(600))),
                generated(
                        "member_overrides",
                        c("account_id", BOB),
                        nul("channel_id", UUID.class),
                        nul("can_read", Boolean.class),
                        c("can_write", false),
                        nul("can_manage", Boolean.class),
                        nul("reason", String.class),
                        nul("created_by", String.class),
                        c("created_at", T0),
                        nul("expires_at", Instant.class)),
                row(
                        "events",
                        "cid = :cid AND mid = :mid",
                        c("cid", CHANNEL.toString()),
                        c("mid", 9_000_123L),
                        c("kind", 1),
                        c("flags", 5),
                        c("tags", bytes(8, 14)),
                        c("ref_mid", 9_000_122L),
                        c("data", bytes(300, 15)),
                        c("sig", bytes(64, 16)),
                        c("sender_account", ALICE),
                        c("sender_device", 1),
                        c("created_at", T0),
                        c("is_tombstone", false)),
                row(
                        "events",
                        "cid = :cid AND mid = :mid",
                        c("cid", CHANNEL.toString()),
                        c("mid", 1L),
                        c("kind", 5),
                        c("flags", 0),
                        c("tags", new byte[0]),
                        nul("ref_mid", Long.class),
                        nul("data", byte[].class),
                        nul("sig", byte[].class),
                        c("sender_account", ALICE),
                        c("sender_device", 1),
                        c("created_at", T0),
                        c("is_tombstone", true)),
                row("event_counters", "cid = :cid", c("cid", CHANNEL.toString()), c("last_mid", Long.MAX_VALUE)),
                generated(
                        "message_queue",
                        c("message_id", MEDIA),
                        c("recipient_account", BOB),
                        c("recipient_device", 127),
                        c("sender_account", ALICE),
                        c("sender_device", 1),
                        c("message_type", 3),
                        c("encrypted_blob", bytes(65_536, 17)),
                        c("created_at", T0),
                        c("expires_at", T0.plusSeconds(30 * 86_400))),
                generated(
                        "message_queue",
                        c("message_id", CHANNEL),
                        c("recipient_account", BOB),
                        c("recipient_device", 127),
                        nul("sender_account", String.class),
                        nul("sender_device", Integer.class),
                        c("message_type", 0),
                        c("encrypted_blob", bytes(1, 18)),
                        c("created_at", T0),
                        c("expires_at", T0)),
                row(
                        "queue_usage",
                        "recipient_account = :recipient_account AND recipient_device = :recipient_device",
                        c("recipient_account", ALICE),
                        c("recipient_device", 1),
                        c("entries", 10_000L),
                        c("bytes", 256L << 20)),
                row(
                        "prekey_fetches",
                        "requester_account = :requester_account AND target_account = :target_account",
                        c("requester_account", ALICE),
                        c("target_account", BOB),
                        c("window_start", T0),
                        c("fetches", 30)),
                row(
                        "media_store",
                        "id = :id",
                        c("id", MEDIA),
                        c("uploader_account", ALICE),
                        c("encrypted_size", 200L * 1024 * 1024),
                        c("mime_type_hint", "image/png"),
                        c("storage_backend", "s3"),
                        c("storage_path", "ab/cd/" + MEDIA),
                        c("digest", bytes(32, 19)),
                        c("uploaded_at", T0),
                        c("completed_at", T0.plusSeconds(2)),
                        c("expires_at", T0.plusSeconds(86_400))),
                row(
                        "media_store",
                        "id = :id",
                        c("id", CHANNEL),
                        nul("uploader_account", String.class),
                        c("encrypted_size", 0L),
                        nul("mime_type_hint", String.class),
                        c("storage_backend", "local"),
                        c("storage_path", "ef/" + CHANNEL),
                        c("digest", bytes(32, 20)),
                        c("uploaded_at", T0),
                        nul("completed_at", Instant.class),
                        nul("expires_at", Instant.class)),
                generated(
                        "audit_log",
                        c("actor_account", ALICE),
                        c("action", "mute"),
                        c("target_account", BOB),
                        c("target_channel", CHANNEL),
                        c("details", new Json("{\"duration_s\": 600, \"reason\": \"spam\", \"tags\": [1, 2]}")),
                        c("created_at", T0)),
                generated(
                        "audit_log",
                        nul("actor_account", String.class),
                        c("action", "role_change"),
                        nul("target_account", String.class),
                        nul("target_channel", UUID.class),
                        nul("details", Json.class),
                        c("created_at", T0)));
    }

    @DatabaseTest
    void round_trips_every_column_of_every_table(Database database) {
        List<Row> rows = rows();
        List<Map<String, Object>> written = new ArrayList<>();
        List<Map<String, Object>> read = new ArrayList<>();
        Map<String, Set<String>> columnsWritten = new TreeMap<>();
        Map<String, Set<String>> columnsInSchema = new TreeMap<>();
        database.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM kt_state").execute();
            for (Row row : rows) {
                Map<String, Object> values = new LinkedHashMap<>();
                values.put("table", row.table());
                row.columns().forEach(column -> values.put(column.name(), comparable(column.value())));
                Map<String, Object> bindings = bindings(row);
                if (row.generatedId()) {
                    long id = handle.createQuery(insert(database.dialect(), row) + " RETURNING id")
                            .bindMap(bindings)
                            .mapTo(Long.class)
                            .one();
                    bindings.put("id", id);
                    values.put("id", id);
                } else {
                    handle.createUpdate(insert(database.dialect(), row))
                            .bindMap(bindings)
                            .execute();
                }
                written.add(values);
                read.add(select(handle, row, bindings));
                columnsWritten.put(row.table(), new TreeSet<>(values.keySet()));
                columnsWritten.get(row.table()).remove("table");
                columnsInSchema.put(row.table(), SchemaCatalog.columns(handle, database.dialect(), row.table()));
            }
            return null;
        });

        assertThat(read).isEqualTo(written);
        assertThat(columnsWritten).isEqualTo(columnsInSchema);
        Set<String> covered = new TreeSet<>(columnsWritten.keySet());
        covered.add("flyway_schema_history");
        assertThat(covered).isEqualTo(SchemaCatalog.tables(database));
    }

    @DatabaseTest
    void never_reuses_a_generated_id_after_the_newest_row_is_deleted(Database database) {
        long first = insertAuditEntry(database);
        long second = insertAuditEntry(database);
        database.inTransaction(handle -> handle.execute("DELETE FROM audit_log WHERE id = ?", second));

        long third = insertAuditEntry(database);

        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
    }

    @DatabaseTest
    void allocates_increasing_mids_per_conversation(Database database) {
        String next = "INSERT INTO event_counters (cid, last_mid) VALUES (:cid, 1) "
                + "ON CONFLICT (cid) DO UPDATE SET last_mid = event_counters.last_mid + 1 RETURNING last_mid";
        List<Long> mids = new ArrayList<>();
        for (String cid : List.of("a", "a", "b", "a", "b")) {
            mids.add(database.inTransaction(handle ->
                    handle.createQuery(next).bind("cid", cid).mapTo(Long.class).one()));
        }

        assertThat(mids).containsExactly(1L, 2L, 1L, 3L, 2L);
    }

    private static long insertAuditEntry(Database database) {
        return database.inTransaction(handle -> handle.createQuery(
                        "INSERT INTO audit_log (action, created_at) VALUES ('kick', :at) RETURNING id")
                .bind("at", T0)
                .mapTo(Long.class)
                .one());
    }

    private static String insert(Dialect dialect, Row row) {
        String names = row.columns().stream().map(Column::name).collect(Collectors.joining(", "));
        String values = row.columns().stream()
                .map(column ->
                        column.type() == Json.class ? dialect.jsonValue(":" + column.name()) : ":" + column.name())
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + row.table() + " (" + names + ") VALUES (" + values + ")";
    }

    private static Map<String, Object> bindings(Row row) {
        Map<String, Object> bindings = new LinkedHashMap<>();
        for (Column column : row.columns()) {
            bindings.put(column.name(), column.value() instanceof Json json ? json.text() : column.value());
        }
        return bindings;
    }

    private static Map<String, Object> select(Handle handle, Row row, Map<String, Object> bindings) {
        Map<String, Class<?>> types = new LinkedHashMap<>();
        row.columns().forEach(column -> types.put(column.name(), column.type()));
        if (row.generatedId()) {
            types.put("id", Long.class);
        }
        String sql = "SELECT " + String.join(", ", types.keySet()) + " FROM " + row.table() + " WHERE " + row.key();
        return handle.createQuery(sql)
                .bindMap(bindings)
                .map((result, ctx) -> {
                    Map<String, Object> values = new LinkedHashMap<>();
                    values.put("table", row.table());
                    for (Map.Entry<String, Class<?>> column : types.entrySet()) {
                        Class<?> type = column.getValue() == Json.class ? String.class : column.getValue();
                        ColumnMapper<?> mapper = ctx.findColumnMapperFor(type).orElseThrow();
                        Object value = mapper.map(result, column.getKey(), ctx);
                        values.put(
                                column.getKey(),
                                comparable(
                                        column.getValue() == Json.class && value != null
                                                ? new Json((String) value)
                                                : value));
                    }
                    return values;
                })
                .one();
    }

    /** Byte arrays as hex and JSON as a tree, so that maps compare by value. */
    private static Object comparable(Object value) {
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        if (value instanceof Json json) {
            try {
                JsonNode tree = JSON.readTree(json.text());
                return tree;
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + json.text(), e);
            }
        }
        return value;
    }
}
