// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.TestServer;

/** The endpoint check against a real community server, and its refusal of private addresses. */
class EndpointCheckTest {
    @TempDir
    Path dir;

    @Test
    void private_endpoints_are_never_fetched_unless_allowed() throws IOException {
        ServerKeyPair key = ServerKeyPair.loadOrCreate(dir.resolve("server.key"), new SecureRandom());
        try (TestServer community = TestServer.start(
                        new DatabaseUrl.Sqlite(dir.resolve("c.db")),
                        Clock.systemUTC(),
                        Map.of(
                                "NEXUSLINK_SERVER_KEY_FILE",
                                dir.resolve("server.key").toString()));
                EndpointCheck strict = new EndpointCheck(false);
                EndpointCheck open = new EndpointCheck(true)) {
            URI endpoint = URI.create("http://127.0.0.1:" + community.port());

            assertThatThrownBy(() -> strict.verify(endpoint, key.publicKey()))
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
            assertThat(strict.healthy(endpoint)).isFalse();
            assertThatThrownBy(() -> strict.checkAddress(URI.create("http://10.1.2.3")))
                    .isInstanceOf(ApiException.class);
            assertThatThrownBy(() -> strict.checkAddress(URI.create("http://[fd00::1]")))
                    .isInstanceOf(ApiException.class);

            assertThat(open.healthy(endpoint)).isTrue();
            open.verify(endpoint, key.publicKey());
            assertThatThrownBy(() -> open.verify(
                            endpoint, ServerKeyPair.generate(new SecureRandom()).publicKey()))
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ENDPOINT_CHECK_FAILED));
        }
    }
}
