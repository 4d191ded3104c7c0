// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.directory.CommunityNotice;
import org.nexuslink.protocol.directory.ServerSignedRequest;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.http.ApiJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The community side of seed 000's federation: with {@code [directory] url} set and a
 * registration for that directory in the data directory, sends a heartbeat signed with the
 * server key every {@code directory.heartbeat_interval}. A failed heartbeat is logged and tried
 * at the next interval. Owns its scheduler: {@link #close()} stops it.
 */
public final class CommunityHeartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommunityHeartbeat.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String directoryUrl;
    private final Path dataDir;
    private final ServerKeyPair key;
    private final Clock clock;
    private final SecureRandom random;
    private final ObjectMapper json = ApiJson.create();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("directory-heartbeat").daemon().factory());

    public CommunityHeartbeat(
            String directoryUrl, Duration interval, Path dataDir, ServerKeyPair key, Clock clock, SecureRandom random) {
        this.directoryUrl = stripSlash(Objects.requireNonNull(directoryUrl, "directoryUrl"));
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        ticker.scheduleWithFixedDelay(this::sendLogged, interval.toSeconds(), interval.toSeconds(), TimeUnit.SECONDS);
    }

    private void sendLogged() {
        try {
            int status = sendNow();
            if (status != 200 && status != 0) {
                log.atWarn()
                        .addKeyValue("directory", directoryUrl)
                        .addKeyValue("status", status)
                        .log("directory refused the heartbeat");
            }
        } catch (IOException | RuntimeException e) {
            log.atWarn()
                    .addKeyValue("directory", directoryUrl)
                    .addKeyValue("error", e.toString())
                    .log("heartbeat to the directory failed; retrying at the next interval");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends one heartbeat now.
     *
     * @return the directory's HTTP status, or 0 when this community holds no registration for the
     *     configured directory
     */
    public int sendNow() throws IOException, InterruptedException {
        Optional<DirectoryRegistration> registration = DirectoryRegistration.read(dataDir)
                .filter(r -> stripSlash(r.directoryUrl()).equals(directoryUrl));
        if (registration.isEmpty()) {
            return 0;
        }
        DirectoryRegistration r = registration.get();
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        byte[] payload = json.writeValueAsBytes(new CommunityNotice(
                r.directoryId(), clock.millis(), HexFormat.of().formatHex(nonce), r.communityId()));
        ServerSignedRequest body = new ServerSignedRequest(
                Base64.getEncoder().encodeToString(payload),
                Base64.getEncoder().encodeToString(key.sign(SigningDomains.HEARTBEAT, payload)));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(directoryUrl + ApiRoute.DIRECTORY_HEARTBEAT.path(r.communityId())))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        http.close();
    }
}
