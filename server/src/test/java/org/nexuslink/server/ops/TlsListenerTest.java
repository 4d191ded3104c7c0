// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigException;
import org.nexuslink.server.config.ConfigLoader;

/** The listener serves HTTPS from PEM files, and refuses files it cannot use at start. */
class TlsListenerTest {
    @TempDir
    Path dir;

    private Path cert;
    private Path key;

    @BeforeEach
    void makeSelfSignedCertificate() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
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
    }

    private Map<String, String> env(Path certificate, Path privateKey) {
        return Map.of(
                "NEXUSLINK_SERVER_DATA_DIR", dir.resolve("data").toString(),
                "NEXUSLINK_SERVER_PORT", "0",
                "NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1",
                "NEXUSLINK_SERVER_TLS_CERT", certificate.toString(),
                "NEXUSLINK_SERVER_TLS_KEY", privateKey.toString());
    }

    @Test
    void serves_health_over_https_with_the_configured_certificate() throws Exception {
        try (NexusLinkServer server =
                NexusLinkServer.start(ConfigLoader.load(null, env(cert, key), Map.of()), Clock.systemUTC())) {
            HttpClient client =
                    HttpClient.newBuilder().sslContext(trusting(cert)).build();

            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"status\":\"healthy\"");
        }
    }

    @Test
    void refuses_to_start_with_a_file_that_is_not_pem() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");

        assertThatThrownBy(() ->
                        NexusLinkServer.start(ConfigLoader.load(null, env(garbage, key), Map.of()), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("server.tls_cert");
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry(
                    "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
