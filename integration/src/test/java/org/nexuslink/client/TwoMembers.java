// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestServer;

/**
 * Where most conversation tests start: a community server on the test's database (its data under
 * {@code dir/server}) with Alice and Bob joined and connected (profiles under {@code dir/alice} and
 * {@code dir/bob}). Closing it closes both clients, then the server.
 */
record TwoMembers(TestServer server, URI community, TestProfile alice, TestProfile bob) implements AutoCloseable {

    /** @param settings server settings on top of the data directory */
    static TwoMembers joined(DatabaseUrl url, MutableClock clock, Path dir, Map<String, String> settings)
            throws IOException {
        Map<String, String> all = new HashMap<>(settings);
        all.put("NEXUSLINK_SERVER_DATA_DIR", dir.resolve("server").toString());
        TestServer server = TestServer.start(url, clock, all);
        TestProfile alice = null;
        TestProfile bob = null;
        try {
            alice = TestProfile.create(dir.resolve("alice"), clock);
            bob = TestProfile.create(dir.resolve("bob"), clock);
            URI community = URI.create("http://127.0.0.1:" + server.port());
            alice.joinAndConnect(community, "alice");
            bob.joinAndConnect(community, "bob");
            return new TwoMembers(server, community, alice, bob);
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable opened : new AutoCloseable[] {bob, alice, server}) {
                if (opened != null) {
                    try {
                        opened.close();
                    } catch (Exception closing) {
                        e.addSuppressed(closing);
                    }
                }
            }
            throw e;
        }
    }

    /** With the flood limits lifted: for tests that send as fast as they can. */
    static TwoMembers joinedWithoutFloodLimits(DatabaseUrl url, MutableClock clock, Path dir) throws IOException {
        return joined(
                url,
                clock,
                dir,
                Map.of(
                        "NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND",
                        "100000",
                        "NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND",
                        "100000"));
    }

    @Override
    public void close() {
        try {
            bob.close();
            alice.close();
        } finally {
            server.close();
        }
    }
}
