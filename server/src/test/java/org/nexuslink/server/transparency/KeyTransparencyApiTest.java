// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.transparency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.MerkleProofs;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/**
 * The log over real HTTP on SQLite and PostgreSQL: joins, device additions and removals append
 * entries, heads verify under the server key, proofs verify, refusals append nothing.
 */
class KeyTransparencyApiTest {
    private static final Base64.Decoder B64 = Base64.getDecoder();
    private final MutableClock clock = new MutableClock();

    static SignedTreeHead head(JsonNode json) {
        return SignedTreeHead.of(
                json.path("tree_size").asLong(),
                Instant.ofEpochMilli(json.path("timestamp").asLong()),
                TreeHash.of(B64.decode(json.path("root_hash").asText())),
                B64.decode(json.path("signature").asText()));
    }

    static List<TreeHash> hashes(JsonNode array) {
        List<TreeHash> out = new ArrayList<>();
        array.forEach(n -> out.add(TreeHash.of(B64.decode(n.asText()))));
        return out;
    }

    private static ServerPublicKey serverKey(TestServer server) {
        return ServerPublicKey.fromBase64(
                server.get("/api/v1/server", null).body().path("public_key").asText());
    }

    private static long leafCount(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM kt_leaves")
                        .mapTo(Long.class)
                        .one());
    }

    @DatabaseTest
    void every_key_change_is_logged_and_proven_under_a_signed_head(DatabaseUrl url, Database database)
            throws Exception {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        TestAccount.CertifiedDevice laptop = alice.device(2);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            ServerPublicKey key = serverKey(server);
            String token = alice.join(server, phone);
            SignedTreeHead first = head(server.get("/api/v1/kt/head", null).body());
            first.verify(key);
            assertThat(first.treeSize()).isEqualTo(2);

            assertThat(alice.register(server, token, laptop).status()).isEqualTo(201);
            assertThat(alice.remove(server, token, laptop).status()).isIn(200, 204);

            JsonNode proof = server.get("/api/v1/kt/proof/" + alice.id(), null).body();
            SignedTreeHead head = head(proof.path("tree_head"));
            head.verify(key);
            assertThat(head.treeSize()).isEqualTo(4);
            List<String> types = new ArrayList<>();
            for (JsonNode e : proof.path("entries")) {
                byte[] entry = B64.decode(e.path("entry").asText());
                KeyLogEntry decoded = KeyLogEntry.decode(entry);
                types.add(decoded.getClass().getSimpleName());
                assertThat(decoded.account()).isEqualTo(alice.identity().accountId());
                MerkleProofs.verifyInclusion(
                        e.path("leaf_index").asLong(),
                        head.treeSize(),
                        TreeHash.leaf(entry),
                        hashes(e.path("inclusion_proof")),
                        head.root());
            }
            assertThat(types).containsExactly("IdentityKey", "DeviceAdded", "DeviceAdded", "DeviceRemoved");
            assertThat(proof.path("key_history")).hasSize(1);
            assertThat(B64.decode(proof.path("key_history")
                            .get(0)
                            .path("identity_key")
                            .asText()))
                    .isEqualTo(alice.identity().accountId().publicKeyBytes());

            JsonNode consistency =
                    server.get("/api/v1/kt/consistency?from=2&to=4", null).body();
            MerkleProofs.verifyConsistency(2, 4, first.root(), head.root(), hashes(consistency.path("proof")));

            JsonNode leaves =
                    server.get("/api/v1/kt/leaves?start=0&count=10", null).body();
            assertThat(leaves.path("entries")).hasSize(4);
            assertThat(leafCount(database)).isEqualTo(4);
        }
    }

    @DatabaseTest
    void prekey_bundles_carry_the_proof_of_their_keys(DatabaseUrl url) throws Exception {
        TestAccount alice = new TestAccount(clock);
        TestAccount bob = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String aliceToken = alice.join(server, phone);
            String bobToken = bob.join(server, bob.device(1));
            assertThat(server.post("/api/v1/prekeys", PrekeyUploads.minimal(phone), aliceToken)
                            .status())
                    .isEqualTo(200);

            JsonNode bundles =
                    server.get("/api/v1/prekeys/" + alice.id(), bobToken).body();
            JsonNode kt = bundles.path("key_transparency");
            SignedTreeHead head = head(kt.path("tree_head"));
            head.verify(serverKey(server));
            byte[] certificate = B64.decode(
                    bundles.path("devices").get(0).path("certificate").asText());
            boolean found = false;
            for (JsonNode e : kt.path("entries")) {
                byte[] entry = B64.decode(e.path("entry").asText());
                if (KeyLogEntry.decode(entry) instanceof KeyLogEntry.DeviceAdded added
                        && java.util.Arrays.equals(added.certificate().toByteArray(), certificate)) {
                    MerkleProofs.verifyInclusion(
                            e.path("leaf_index").asLong(),
                            head.treeSize(),
                            TreeHash.leaf(entry),
                            hashes(e.path("inclusion_proof")),
                            head.root());
                    found = true;
                }
            }
            assertThat(found)
                    .as("the bundle's certificate is proven in the log")
                    .isTrue();
        }
    }

    @DatabaseTest
    void bad_queries_get_clear_errors_and_change_nothing(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            alice.join(server, alice.device(1));
            long before = leafCount(database);
            assertThat(server.get("/api/v1/kt/consistency?from=0&to=2", null).code())
                    .isEqualTo("invalid_field");
            assertThat(server.get("/api/v1/kt/consistency?from=2&to=3", null).code())
                    .isEqualTo("invalid_field");
            assertThat(server.get("/api/v1/kt/consistency?from=x&to=2", null).code())
                    .isEqualTo("invalid_field");
            assertThat(server.get("/api/v1/kt/consistency?to=2", null).code()).isEqualTo("invalid_field");
            assertThat(server.get("/api/v1/kt/leaves?start=-1", null).code()).isEqualTo("invalid_field");
            assertThat(server.get("/api/v1/kt/leaves?start=0&count=1001", null).code())
                    .isEqualTo("invalid_field");
            assertThat(server.get("/api/v1/kt/proof/nxl:nope", null).code()).isEqualTo("invalid_field");
            TestServer.Reply unknown = server.get("/api/v1/kt/proof/" + new TestAccount(clock).id(), null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.code()).isEqualTo("not_found");
            assertThat(leafCount(database)).isEqualTo(before);
        }
    }

    @DatabaseTest
    void a_refused_registration_appends_nothing(DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        TestAccount eve = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of())) {
            String token = alice.join(server, alice.device(1));
            long before = leafCount(database);
            // A certificate signed by another identity key: refused before the transaction.
            assertThat(eve.register(server, token, eve.device(2)).status()).isEqualTo(400);
            // A device id already used: refused inside it, rolled back with its leaf.
            assertThat(alice.register(server, token, alice.device(1)).status()).isEqualTo(409);
            assertThat(leafCount(database)).isEqualTo(before);
            assertThat(head(server.get("/api/v1/kt/head", null).body()).treeSize())
                    .isEqualTo(before);
            assertThat(HexFormat.of()
                            .formatHex(B64.decode(server.get("/api/v1/kt/head", null)
                                    .body()
                                    .path("root_hash")
                                    .asText())))
                    .hasSize(64);
        }
    }

    @DatabaseTest
    void members_from_before_the_log_are_logged_at_the_first_start(DatabaseUrl url, Database database)
            throws Exception {
        TestAccount alice = new TestAccount(clock);
        Map<String, String> sameKey = Map.of(
                "NEXUSLINK_SERVER_KEY_FILE",
                java.nio.file.Files.createTempDirectory("kt-key")
                        .resolve("server.key")
                        .toString());
        try (TestServer server = TestServer.start(url, clock, sameKey)) {
            alice.join(server, alice.device(1));
        }
        // As a database migrated to V8 from an older version looks: members, but an empty log.
        database.inTransaction(h -> {
            h.execute("DELETE FROM kt_leaves");
            h.execute("DELETE FROM kt_nodes");
            h.execute("DELETE FROM kt_heads");
            return h.execute("UPDATE kt_state SET tree_size = 0");
        });
        try (TestServer server = TestServer.start(url, clock, sameKey)) {
            JsonNode proof = server.get("/api/v1/kt/proof/" + alice.id(), null).body();
            SignedTreeHead head = head(proof.path("tree_head"));
            head.verify(serverKey(server));
            List<String> types = new ArrayList<>();
            for (JsonNode e : proof.path("entries")) {
                byte[] entry = B64.decode(e.path("entry").asText());
                types.add(KeyLogEntry.decode(entry).getClass().getSimpleName());
                MerkleProofs.verifyInclusion(
                        e.path("leaf_index").asLong(),
                        head.treeSize(),
                        TreeHash.leaf(entry),
                        hashes(e.path("inclusion_proof")),
                        head.root());
            }
            assertThat(types).containsExactly("IdentityKey", "DeviceAdded");
        }
        try (TestServer server = TestServer.start(url, clock, sameKey)) {
            assertThat(leafCount(database)).as("a second start appends nothing").isEqualTo(2);
        }
    }
}
