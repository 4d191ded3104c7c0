// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.seal.SealedBox;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.directory.AccountPayload;
import org.nexuslink.protocol.directory.CommunityRegistration;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/**
 * The directory role end to end in one process: a real directory (SQLite or PostgreSQL) and real
 * community servers on loopback, spoken to over HTTP as a community and a client would.
 */
class DirectoryRoleTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int DIFFICULTY = 8;

    @TempDir
    Path temp;

    private final MutableClock clock = new MutableClock();
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer directory(DatabaseUrl url, SealedBox.KeyPair compliance) {
        return TestServer.start(
                url,
                clock,
                Map.of(
                        "NEXUSLINK_SERVER_ROLE", "directory",
                        "NEXUSLINK_DIRECTORY_POW_DIFFICULTY", Integer.toString(DIFFICULTY),
                        "NEXUSLINK_DIRECTORY_COMPLIANCE_KEY",
                                compliance.publicKey().base64(),
                        "NEXUSLINK_DIRECTORY_REPORT_THRESHOLD", "2",
                        "NEXUSLINK_DIRECTORY_ALLOW_PRIVATE_ENDPOINTS", "true",
                        "NEXUSLINK_DIRECTORY_WRITES_PER_HOUR", "1000"));
    }

    private TestServer community(String name, Path keyFile) throws Exception {
        Path dir = Files.createTempDirectory(temp, name);
        Map<String, String> env = new HashMap<>();
        env.put("NEXUSLINK_SERVER_KEY_FILE", keyFile.toString());
        env.put("NEXUSLINK_SERVER_DATA_DIR", dir.toString());
        env.put("NEXUSLINK_COMMUNITY_NAME", name);
        return TestServer.start(new DatabaseUrl.Sqlite(dir.resolve("c.db")), Clock.systemUTC(), env);
    }

    private static String json(Object value) throws Exception {
        return DirectorySigner.JSON.writeValueAsString(value);
    }

    private TestServer.Reply signedGet(TestServer server, String path, String header) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .header(SigningDomains.SIGNED_HEADER, header)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new TestServer.Reply(response.statusCode(), DirectorySigner.JSON.readTree(response.body()));
    }

    /** KYC for {@code admin}: initiate, submit sealed materials, a reviewer approves. */
    private void approveKyc(
            TestServer directory, DirectorySigner signer, TestAccount admin, SealedBox.KeyPair compliance)
            throws Exception {
        TestAccount.CertifiedDevice device = admin.device(1);
        TestServer.Reply challenge = directory.post(
                "/api/v1/kyc/initiate",
                json(DirectorySigner.accountSigned(device, SigningDomains.KYC_INITIATE, signer.account(admin))),
                null);
        assertThat(challenge.status()).as(challenge.toString()).isEqualTo(200);
        assertThat(challenge.body().get("materials").toString()).contains("government_id");
        byte[] materials =
                "{\"government_id\":\"cGFzc3BvcnQ=\",\"selfie\":\"c2VsZmll\"}".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = SealedBox.seal(
                SealedBox.PublicKey.fromBase64(
                        challenge.body().get("compliance_key").asText()),
                SigningDomains.KYC_MATERIALS,
                admin.id().getBytes(StandardCharsets.UTF_8),
                materials);
        AccountPayload submit = DirectorySigner.with(
                signer.account(admin),
                Optional.of(challenge.body().get("challenge").asText()),
                Optional.of(Base64.getEncoder().encodeToString(sealed)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        TestServer.Reply pending = directory.post(
                "/api/v1/kyc/verify",
                json(DirectorySigner.accountSigned(device, SigningDomains.KYC_VERIFY, submit)),
                null);
        assertThat(pending.body().get("status").asText()).as(pending.toString()).isEqualTo("pending");

        KycReviews reviews = directory.server().directory().orElseThrow().kyc();
        KycStore.Request request = reviews.find(admin.id()).orElseThrow();
        // The directory holds only the sealed box; the compliance key opens it.
        assertThat(SealedBox.open(
                        compliance,
                        SigningDomains.KYC_MATERIALS,
                        admin.id().getBytes(StandardCharsets.UTF_8),
                        request.materials().orElseThrow()))
                .isEqualTo(materials);
        reviews.decide(admin.id(), KycStore.State.APPROVED, Optional.empty());
        assertThat(reviews.find(admin.id()).orElseThrow().materials()).isEmpty();

        TestServer.Reply status = signedGet(
                directory,
                "/api/v1/kyc/status",
                DirectorySigner.header(
                        DirectorySigner.accountSigned(device, SigningDomains.KYC_STATUS, signer.account(admin))));
        assertThat(status.body().get("status").asText()).isEqualTo("approved");
    }

    @DatabaseTest(migrated = false)
    void a_community_registers_is_found_updated_reported_and_deleted(DatabaseUrl url) throws Exception {
        SealedBox.KeyPair compliance = SealedBox.KeyPair.generate(RANDOM);
        Path keyA = temp.resolve("a.key");
        ServerKeyPair serverA = ServerKeyPair.loadOrCreate(keyA, RANDOM);
        ServerKeyPair stranger = ServerKeyPair.generate(RANDOM);
        TestAccount admin = new TestAccount(clock);
        try (TestServer directory = directory(url, compliance);
                TestServer communityA = community("Rust Hackers", keyA)) {
            String directoryId = directory
                    .get("/api/v1/server", null)
                    .body()
                    .get("server_id")
                    .asText();
            assertThat(directory.get("/api/v1/server", null).body().get("role").asText())
                    .isEqualTo("directory");
            DirectorySigner signer = new DirectorySigner(directoryId, clock);
            String endpointA = "http://127.0.0.1:" + communityA.port();
            CommunityRegistration registration = signer.registration(
                    serverA,
                    "Rust Hackers",
                    "Systems programming in Rust, async and embedded",
                    List.of("rust", "programming"),
                    endpointA,
                    admin.id(),
                    DIFFICULTY);

            // No KYC yet: refused, nothing listed.
            TestServer.Reply refused = directory.post(
                    "/api/v1/community/register",
                    json(DirectorySigner.serverSigned(serverA, SigningDomains.REGISTER, registration)),
                    null);
            assertThat(refused.code()).isEqualTo("kyc_required");
            approveKyc(directory, signer, admin, compliance);

            // A bad proof of work.
            CommunityRegistration lazy =
                    signer.registration(serverA, "Rust Hackers", "", List.of("rust"), endpointA, admin.id(), 0);
            if (org.nexuslink.crypto.pow.ProofOfWork.verify(
                    SigningDomains.powChallenge(directoryId, serverA.publicKey().base64(), lazy.nonce()),
                    DIFFICULTY,
                    lazy.pow())) {
                lazy = new CommunityRegistration(
                        lazy.directory(),
                        lazy.timestamp(),
                        lazy.nonce(),
                        lazy.name(),
                        lazy.description(),
                        lazy.tags(),
                        lazy.endpoint(),
                        lazy.adminAccount(),
                        lazy.serverKey(),
                        -1);
            }
            assertThat(directory
                            .post(
                                    "/api/v1/community/register",
                                    json(DirectorySigner.serverSigned(serverA, SigningDomains.REGISTER, lazy)),
                                    null)
                            .code())
                    .isEqualTo("proof_of_work_invalid");

            // Signed by another key than the one it names.
            CommunityRegistration fresh = signer.registration(
                    serverA,
                    "Rust Hackers",
                    "Systems programming in Rust, async and embedded",
                    List.of("rust", "programming"),
                    endpointA,
                    admin.id(),
                    DIFFICULTY);
            assertThat(directory
                            .post(
                                    "/api/v1/community/register",
                                    json(DirectorySigner.serverSigned(stranger, SigningDomains.REGISTER, fresh)),
                                    null)
                            .code())
                    .isEqualTo("bad_signature");

            // A key the endpoint does not serve.
            CommunityRegistration impostor =
                    signer.registration(stranger, "Impostor", "", List.of(), endpointA, admin.id(), DIFFICULTY);
            assertThat(directory
                            .post(
                                    "/api/v1/community/register",
                                    json(DirectorySigner.serverSigned(stranger, SigningDomains.REGISTER, impostor)),
                                    null)
                            .code())
                    .isEqualTo("endpoint_check_failed");

            TestServer.Reply registered = directory.post(
                    "/api/v1/community/register",
                    json(DirectorySigner.serverSigned(serverA, SigningDomains.REGISTER, fresh)),
                    null);
            assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
            String id = registered.body().get("community_id").asText();
            JsonNode listing = registered.body().get("listing");
            assertThat(listing.get("verified").asBoolean()).isTrue();
            assertThat(listing.get("server_key").asText())
                    .isEqualTo(serverA.publicKey().base64());
            org.nexuslink.crypto.server.ServerPublicKey directoryKey =
                    org.nexuslink.crypto.server.ServerPublicKey.fromBase64(directory
                            .get("/api/v1/server", null)
                            .body()
                            .get("public_key")
                            .asText());
            assertThat(directoryKey.verify(
                            SigningDomains.LISTING,
                            SigningDomains.listingBytes(id, serverA.publicKey().base64(), endpointA),
                            Base64.getDecoder()
                                    .decode(listing.get("listing_signature").asText())))
                    .isTrue();

            // The same request again is a replay.
            assertThat(directory
                            .post(
                                    "/api/v1/community/register",
                                    json(DirectorySigner.serverSigned(serverA, SigningDomains.REGISTER, fresh)),
                                    null)
                            .code())
                    .isEqualTo("replayed_request");

            // Search: full text (prefix), tags, and nothing for a tag it lacks.
            JsonNode found = directory
                    .get("/api/v1/community/search?q=rust%20progr", null)
                    .body();
            assertThat(found.get("communities")).hasSize(1);
            assertThat(found.get("communities").get(0).get("community_id").asText())
                    .isEqualTo(id);
            assertThat(directory
                            .get("/api/v1/community/search?tag=rust", null)
                            .body()
                            .get("communities"))
                    .hasSize(1);
            assertThat(directory
                            .get("/api/v1/community/search?q=rust&tag=gaming", null)
                            .body()
                            .get("communities"))
                    .isEmpty();
            assertThat(directory
                            .get("/api/v1/community/search?tag=Not%20a%20tag", null)
                            .code())
                    .isEqualTo("invalid_field");

            // Update and delete need the registered key.
            CommunityRegistration renamed = signer.registration(
                    serverA, "Rust Hackers Guild", "Rust, all of it", List.of("rust"), endpointA, admin.id(), 0);
            assertThat(directory
                            .put(
                                    "/api/v1/community/" + id,
                                    json(DirectorySigner.serverSigned(stranger, SigningDomains.UPDATE, renamed)),
                                    null)
                            .code())
                    .isEqualTo("forbidden");
            assertThat(directory
                            .put(
                                    "/api/v1/community/" + id,
                                    json(DirectorySigner.serverSigned(serverA, SigningDomains.UPDATE, renamed)),
                                    null)
                            .body()
                            .get("name")
                            .asText())
                    .isEqualTo("Rust Hackers Guild");
            assertThat(directory
                            .get("/api/v1/community/search?q=guild", null)
                            .body()
                            .get("communities"))
                    .hasSize(1);

            // A heartbeat counts.
            assertThat(directory
                            .post(
                                    "/api/v1/community/" + id + "/heartbeat",
                                    json(DirectorySigner.serverSigned(
                                            serverA, SigningDomains.HEARTBEAT, signer.notice(id))),
                                    null)
                            .status())
                    .isEqualTo(200);

            // Abuse: two distinct reporters suspend it; the same reporter twice is refused.
            TestAccount reporter1 = new TestAccount(clock);
            TestAccount reporter2 = new TestAccount(clock);
            AccountPayload report1 = DirectorySigner.with(
                    signer.account(reporter1),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(id),
                    Optional.of("spam"),
                    Optional.empty());
            TestServer.Reply filed = directory.post(
                    "/api/v1/report/abuse",
                    json(DirectorySigner.accountSigned(reporter1.device(1), SigningDomains.REPORT, report1)),
                    null);
            assertThat(filed.status()).as(filed.toString()).isEqualTo(201);
            String reportId = filed.body().get("report_id").asText();
            AccountPayload again = DirectorySigner.with(
                    signer.account(reporter1),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(id),
                    Optional.of("spam"),
                    Optional.empty());
            assertThat(directory
                            .post(
                                    "/api/v1/report/abuse",
                                    json(DirectorySigner.accountSigned(
                                            reporter1.device(1), SigningDomains.REPORT, again)),
                                    null)
                            .code())
                    .isEqualTo("conflict");
            assertThat(directory
                            .get("/api/v1/community/search?q=rust", null)
                            .body()
                            .get("communities"))
                    .hasSize(1);
            AccountPayload report2 = DirectorySigner.with(
                    signer.account(reporter2),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(id),
                    Optional.of("illegal"),
                    Optional.empty());
            assertThat(directory
                            .post(
                                    "/api/v1/report/abuse",
                                    json(DirectorySigner.accountSigned(
                                            reporter2.device(1), SigningDomains.REPORT, report2)),
                                    null)
                            .status())
                    .isEqualTo(201);
            assertThat(directory
                            .get("/api/v1/community/search?q=rust", null)
                            .body()
                            .get("communities"))
                    .isEmpty();
            assertThat(directory
                            .get("/api/v1/community/" + id, null)
                            .body()
                            .get("status")
                            .asText())
                    .isEqualTo("suspended");

            // The reporter reads its report; another account cannot.
            AccountPayload query = DirectorySigner.with(
                    signer.account(reporter1),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(reportId));
            assertThat(signedGet(
                                    directory,
                                    "/api/v1/report/" + reportId,
                                    DirectorySigner.header(DirectorySigner.accountSigned(
                                            reporter1.device(1), SigningDomains.REPORT_STATUS, query)))
                            .body()
                            .get("status")
                            .asText())
                    .isEqualTo("open");
            AccountPayload nosy = DirectorySigner.with(
                    signer.account(reporter2),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(reportId));
            assertThat(signedGet(
                                    directory,
                                    "/api/v1/report/" + reportId,
                                    DirectorySigner.header(DirectorySigner.accountSigned(
                                            reporter2.device(1), SigningDomains.REPORT_STATUS, nosy)))
                            .status())
                    .isEqualTo(404);

            // A reviewer dismisses both: listed again.
            AbuseReports reports = directory.server().directory().orElseThrow().reports();
            reports.list(AbuseReportStore.State.OPEN)
                    .forEach(r -> reports.resolve(r.reportId(), AbuseReportStore.State.DISMISSED));
            assertThat(directory
                            .get("/api/v1/community/search?q=rust", null)
                            .body()
                            .get("communities"))
                    .hasSize(1);

            // Delete with the wrong key, then the right one.
            assertThat(directory
                            .delete(
                                    "/api/v1/community/" + id,
                                    json(DirectorySigner.serverSigned(
                                            stranger, SigningDomains.DELETE, signer.notice(id))),
                                    null)
                            .code())
                    .isEqualTo("forbidden");
            assertThat(directory
                            .delete(
                                    "/api/v1/community/" + id,
                                    json(DirectorySigner.serverSigned(
                                            serverA, SigningDomains.DELETE, signer.notice(id))),
                                    null)
                            .status())
                    .isEqualTo(200);
            assertThat(directory.get("/api/v1/community/" + id, null).code()).isEqualTo("not_found");
        }
    }

    @DatabaseTest(migrated = false)
    void a_dead_endpoint_loses_reputation_and_leaves_results(DatabaseUrl url) throws Exception {
        SealedBox.KeyPair compliance = SealedBox.KeyPair.generate(RANDOM);
        Path key = temp.resolve("b.key");
        ServerKeyPair server = ServerKeyPair.loadOrCreate(key, RANDOM);
        TestAccount admin = new TestAccount(clock);
        try (TestServer directory = directory(url, compliance)) {
            String directoryId = directory
                    .get("/api/v1/server", null)
                    .body()
                    .get("server_id")
                    .asText();
            DirectorySigner signer = new DirectorySigner(directoryId, clock);
            approveKyc(directory, signer, admin, compliance);
            String id;
            try (TestServer community = community("Chess Club", key)) {
                TestServer.Reply registered = directory.post(
                        "/api/v1/community/register",
                        json(DirectorySigner.serverSigned(
                                server,
                                SigningDomains.REGISTER,
                                signer.registration(
                                        server,
                                        "Chess Club",
                                        "Blitz and classical",
                                        List.of("chess"),
                                        "http://127.0.0.1:" + community.port(),
                                        admin.id(),
                                        DIFFICULTY))),
                        null);
                assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
                id = registered.body().get("community_id").asText();
                clock.advance(Duration.ofMinutes(6));
                assertThat(directory.server().directory().orElseThrow().probeDue())
                        .isEqualTo(1);
            }
            double before = directory
                    .get("/api/v1/community/" + id, null)
                    .body()
                    .get("reputation")
                    .asDouble();
            clock.advance(Duration.ofMinutes(11));
            assertThat(directory.server().directory().orElseThrow().probeDue()).isZero();
            double after = directory
                    .get("/api/v1/community/" + id, null)
                    .body()
                    .get("reputation")
                    .asDouble();
            assertThat(after).isLessThan(before);
            assertThat(directory
                            .get("/api/v1/community/search?q=chess", null)
                            .body()
                            .get("communities"))
                    .hasSize(1);

            clock.advance(Duration.ofHours(25));
            assertThat(directory
                            .get("/api/v1/community/search?q=chess", null)
                            .body()
                            .get("communities"))
                    .isEmpty();
            assertThat(directory.get("/api/v1/community/" + id, null).status()).isEqualTo(200);
        }
    }

    @DatabaseTest(migrated = false)
    void malformed_requests_get_a_clear_error_and_change_nothing(DatabaseUrl url) throws Exception {
        SealedBox.KeyPair compliance = SealedBox.KeyPair.generate(RANDOM);
        ServerKeyPair key = ServerKeyPair.generate(RANDOM);
        try (TestServer directory = directory(url, compliance)) {
            String directoryId = directory
                    .get("/api/v1/server", null)
                    .body()
                    .get("server_id")
                    .asText();
            DirectorySigner signer = new DirectorySigner(directoryId, clock);
            String good = json(DirectorySigner.serverSigned(
                    key,
                    SigningDomains.REGISTER,
                    signer.registration(
                            key, "X", "", List.of(), "http://127.0.0.1:1", new TestAccount(clock).id(), DIFFICULTY)));

            assertThat(directory
                            .post("/api/v1/community/register", "{not json", null)
                            .code())
                    .isEqualTo("bad_request");
            assertThat(directory
                            .post("/api/v1/community/register", "{\"payload\":\"%%%\",\"signature\":\"AA==\"}", null)
                            .code())
                    .isEqualTo("invalid_field");
            assertThat(directory
                            .post("/api/v1/community/register", "{\"payload\":\"e30=\",\"signature\":\"AA==\"}", null)
                            .code())
                    .isEqualTo("invalid_field");
            assertThat(directory
                            .post(
                                    "/api/v1/community/register",
                                    good.replace("\"payload\"", "\"extra\":1,\"payload\""),
                                    null)
                            .code())
                    .isEqualTo("invalid_field");
            // Signed for another directory.
            DirectorySigner elsewhere = new DirectorySigner("nxs-other", clock);
            assertThat(directory
                            .post(
                                    "/api/v1/community/register",
                                    json(DirectorySigner.serverSigned(
                                            key,
                                            SigningDomains.REGISTER,
                                            elsewhere.registration(
                                                    key,
                                                    "X",
                                                    "",
                                                    List.of(),
                                                    "http://127.0.0.1:1",
                                                    new TestAccount(clock).id(),
                                                    DIFFICULTY))),
                                    null)
                            .code())
                    .isEqualTo("invalid_field");
            assertThat(directory.get("/api/v1/community/search?limit=0", null).code())
                    .isEqualTo("invalid_field");
            assertThat(directory.get("/api/v1/community/search?limit=abc", null).code())
                    .isEqualTo("invalid_field");
            assertThat(directory
                            .get("/api/v1/community/search?q=x&offset=990&limit=20", null)
                            .code())
                    .isEqualTo("invalid_field");
            TestServer.Reply unsigned = signedGet(directory, "/api/v1/kyc/status", "bm90IGpzb24=");
            assertThat(unsigned.status()).isEqualTo(400);
            assertThat(directory.get("/api/v1/kyc/status", null).code()).isEqualTo("unauthorized");

            assertThat(directory
                            .server()
                            .directory()
                            .orElseThrow()
                            .listings()
                            .search("", List.of(), 50, 0)
                            .communities())
                    .isEmpty();
        }
    }
}
