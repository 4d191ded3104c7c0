// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseSettings;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestServer;

/**
 * Issue 18 item 1: a hostile community A must not obtain, through a member who signs in to A, a
 * token at community B where that member also belongs. Two real servers; A's operator fronts A
 * with {@link HostileRelay}.
 */
class SignInRelayTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    /** A on the test's database, B on its own SQLite file, the victim joined to both (to A through A's front). */
    private record World(TestServer a, TestServer b, Path bDatabase, HostileRelay relay, TestProfile victim)
            implements AutoCloseable {
        long tokensAtB() {
            try (Database database =
                    Database.open(new DatabaseUrl.Sqlite(bDatabase), new DatabaseSettings(1, Duration.ofSeconds(5)))) {
                return database.jdbi()
                        .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_tokens")
                                .mapTo(Long.class)
                                .one());
            }
        }

        @Override
        public void close() {
            victim.close();
            relay.close();
            b.close();
            a.close();
        }
    }

    private World world(DatabaseUrl url) throws Exception {
        TestServer a = TestServer.start(
                url, clock, Map.of("NEXUSLINK_SERVER_DATA_DIR", dir.resolve("a").toString()));
        Path bDatabase = dir.resolve("b.db");
        TestServer b = TestServer.start(
                new DatabaseUrl.Sqlite(bDatabase),
                clock,
                Map.of("NEXUSLINK_SERVER_DATA_DIR", dir.resolve("b").toString()));
        ServerKeyPair aKey = ServerKeyPair.loadOrCreate(dir.resolve("a/server.key"), new SecureRandom());
        HostileRelay relay = new HostileRelay(
                URI.create("http://127.0.0.1:" + a.port()), URI.create("http://127.0.0.1:" + b.port()), aKey);
        TestProfile victim = TestProfile.create(dir.resolve("victim"), clock);
        victim.client.join(relay.url(), "victim");
        assertThat(victim.client.serverKey()).contains(aKey.publicKey());
        // The victim is a member of B too, with the same account and device key.
        new CommunityApi(URI.create("http://127.0.0.1:" + b.port()))
                .trustOnFirstUse()
                .join(
                        victim.keys.identity().orElseThrow(),
                        victim.keys.deviceKey(),
                        victim.keys.certificate(),
                        "",
                        "test");
        return new World(a, b, bDatabase, relay, victim);
    }

    @DatabaseTest
    void a_hostile_server_cannot_relay_another_servers_challenge(DatabaseUrl url) throws Exception {
        try (World w = world(url)) {
            long tokensAtB = w.tokensAtB();
            w.relay.attack(HostileRelay.Mode.RELAY_B);

            assertThatThrownBy(() -> w.victim.client.connect())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("refusing to sign in")
                    .hasMessageContaining("not the pinned");

            assertThat(w.relay.signedByVictim).as("nothing was signed").isEmpty();
            assertThat(w.tokensAtB()).as("B issued no token").isEqualTo(tokensAtB);
        }
    }

    @DatabaseTest
    void a_hostile_server_cannot_use_another_servers_challenge_rewritten_to_name_its_own_key(DatabaseUrl url)
            throws Exception {
        try (World w = world(url)) {
            long tokensAtB = w.tokensAtB();
            w.relay.attack(HostileRelay.Mode.REWRITE_AS_A);

            // The rewritten challenge names A's key and A's origin, signed by A: the victim signs it...
            assertThatThrownBy(() -> w.victim.client.connect()).isInstanceOf(IOException.class);
            assertThat(w.relay.signedByVictim).hasSize(1);
            // ...but B sees its nonce under a key that is not its own, and refuses.
            assertThat(w.relay.answersFromB)
                    .singleElement()
                    .asString()
                    .startsWith("401 ")
                    .contains("challenge_invalid");
            assertThat(w.tokensAtB()).as("B issued no token").isEqualTo(tokensAtB);
        }
    }

    @DatabaseTest
    void joining_with_an_expected_server_key_refuses_a_server_presenting_another(DatabaseUrl url) throws Exception {
        try (TestServer server = TestServer.start(
                        url,
                        clock,
                        Map.of("NEXUSLINK_SERVER_DATA_DIR", dir.resolve("s").toString()));
                TestProfile profile = TestProfile.create(dir.resolve("p"), clock)) {
            URI community = URI.create("http://127.0.0.1:" + server.port());
            ServerPublicKey other = ServerKeyPair.generate(new SecureRandom()).publicKey();

            assertThatThrownBy(() -> profile.client.join(community, "p", Optional.of(other)))
                    .isInstanceOf(CommunityApi.UntrustedServerException.class)
                    .hasMessageContaining("not the expected " + other.base64());
            assertThat(profile.client.community()).isEmpty();
            assertThat(server.get("/api/v1/members", null).status()).isEqualTo(401);

            ServerPublicKey real = ServerPublicKey.fromBase64(
                    server.get("/api/v1/server", null).body().get("public_key").asText());
            profile.client.join(community, "p", Optional.of(real));
            assertThat(profile.client.serverKey()).contains(real);
        }
    }

    @DatabaseTest
    void a_profile_that_joined_before_server_keys_pins_the_key_at_its_next_sign_in(DatabaseUrl url) throws Exception {
        try (TestServer server = TestServer.start(
                        url,
                        clock,
                        Map.of("NEXUSLINK_SERVER_DATA_DIR", dir.resolve("s").toString()));
                TestProfile profile = TestProfile.create(dir.resolve("p"), clock)) {
            URI community = URI.create("http://127.0.0.1:" + server.port());
            profile.client.join(community, "p");
            ServerPublicKey pinned = profile.client.serverKey().orElseThrow();
            // What an older profile holds: the URL, no key.
            profile.client.store().settings().delete(org.nexuslink.client.internal.CommunityLink.COMMUNITY_SERVER_KEY);
            profile.close();
            profile.reopen();
            assertThat(profile.client.serverKey()).isEmpty();

            profile.client.connect();

            assertThat(profile.client.serverKey()).contains(pinned);
            profile.close();
            profile.reopen();
            assertThat(profile.client.serverKey()).contains(pinned);
        }
    }
}
