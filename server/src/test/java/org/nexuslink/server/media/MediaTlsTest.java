// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/**
 * Over TLS the kernel cannot send the file itself, so downloads go out in chunks through a
 * handler added on demand; uploads are decrypted before the media handler sees them.
 */
@ExtendWith(SqliteDatabaseExtension.class)
class MediaTlsTest {
    @TempDir
    Path dir;

    private SSLContext selfSigned(Path cert, Path key) throws Exception {
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue())
                .as(new String(openssl.getInputStream().readAllBytes()))
                .isZero();
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry(
                    "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void uploads_and_downloads_whole_files_and_ranges_over_https(DatabaseUrl.Sqlite url) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        SSLContext tls = selfSigned(cert, key);
        MutableClock clock = new MutableClock();
        Path data = dir.resolve("data");
        TestAccount alice = new TestAccount(clock);
        String token;
        try (TestServer plain = TestServer.start(url, clock, Map.of("NEXUSLINK_SERVER_DATA_DIR", data.toString()))) {
            token = alice.join(plain, alice.device(1));
        }
        try (TestServer server = TestServer.start(
                url,
                clock,
                Map.of(
                        "NEXUSLINK_SERVER_DATA_DIR",
                        data.toString(),
                        "NEXUSLINK_SERVER_TLS_CERT",
                        cert.toString(),
                        "NEXUSLINK_SERVER_TLS_KEY",
                        key.toString()))) {
            MediaClient client = new MediaClient(server.port(), tls);
            byte[] body = MediaClient.randomBytes(3 << 20, 31);

            MediaClient.Reply uploaded = client.upload(token, body, "");
            String id = uploaded.json().get("id").asText();
            MediaClient.Reply whole = client.download(token, id, null);
            MediaClient.Reply part = client.download(token, id, "bytes=1000000-1999999");

            assertThat(uploaded.status()).as(uploaded.message()).isEqualTo(201);
            assertThat(whole.status()).isEqualTo(200);
            assertThat(MediaClient.sha256(whole.body())).isEqualTo(MediaClient.sha256(body));
            assertThat(part.status()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(body, 1_000_000, 2_000_000));
            assertThat(client.get("/api/v1/media/quota", token).status()).isEqualTo(200);
        }
    }
}
