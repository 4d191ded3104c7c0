// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.pow.ProofOfWork;
import org.nexuslink.crypto.seal.SealedBox;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.api.ApiJson;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ServerInfo;
import org.nexuslink.protocol.directory.AccountPayload;
import org.nexuslink.protocol.directory.AccountSignedRequest;
import org.nexuslink.protocol.directory.CommunityDeleted;
import org.nexuslink.protocol.directory.CommunityListing;
import org.nexuslink.protocol.directory.CommunityNotice;
import org.nexuslink.protocol.directory.CommunityRegistration;
import org.nexuslink.protocol.directory.DirectoryInfo;
import org.nexuslink.protocol.directory.KycChallenge;
import org.nexuslink.protocol.directory.KycMaterials;
import org.nexuslink.protocol.directory.KycStatus;
import org.nexuslink.protocol.directory.Registered;
import org.nexuslink.protocol.directory.ReportStatus;
import org.nexuslink.protocol.directory.SearchResults;
import org.nexuslink.protocol.directory.ServerSignedRequest;
import org.nexuslink.protocol.directory.SigningDomains;

/**
 * A client of one directory. The directory's key is pinned on first use ({@link #pinnedKey()}):
 * every listing it returns must carry its signature, so a listing altered on the way (or by
 * another server at the same URL) is refused. Thread-safe.
 */
public final class DirectoryClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** The REST contract's JSON rules, tolerant of fields a newer directory adds. */
    static final ObjectMapper JSON = ApiJson.tolerant();

    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final URI directory;
    private final HttpClient http;
    private final Clock clock;
    private final SecureRandom random;
    private final Identity identity;

    /** The directory's id and key from {@code GET /api/v1/server}. */
    public record Identity(String serverId, ServerPublicKey publicKey) {
        public Identity {
            Objects.requireNonNull(serverId, "serverId");
            Objects.requireNonNull(publicKey, "publicKey");
        }
    }

    private DirectoryClient(URI directory, HttpClient http, Clock clock, SecureRandom random, Identity identity) {
        this.directory = directory;
        this.http = http;
        this.clock = clock;
        this.random = random;
        this.identity = identity;
    }

    /**
     * Connects: reads the directory's id and key and checks it is a directory.
     *
     * @param expectedKey the key remembered from an earlier use; empty trusts the first answer
     * @throws DirectoryException {@code directory_key_mismatch} when the directory presents another key
     */
    public static DirectoryClient connect(
            URI directory, Optional<ServerPublicKey> expectedKey, Clock clock, SecureRandom random)
            throws IOException, InterruptedException, DirectoryException {
        URI base = URI.create(
                stripSlash(Objects.requireNonNull(directory, "directory").toString()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        ServerInfo info = serverInfo(http, base);
        if (!"directory".equals(info.role())) {
            throw new DirectoryException(
                    0, "not_a_directory", base + " is a " + info.role() + " server, not a directory");
        }
        ServerPublicKey key = publicKey(base, info);
        if (expectedKey.isPresent() && !expectedKey.get().equals(key)) {
            throw new DirectoryException(
                    0,
                    "directory_key_mismatch",
                    base + " presents key " + key.base64() + ", not the remembered "
                            + expectedKey.get().base64());
        }
        if (info.serverId() == null) {
            throw new IOException(base + ApiRoute.SERVER_INFO.path() + " answered no server_id");
        }
        return new DirectoryClient(base, http, clock, random, new Identity(info.serverId(), key));
    }

    public URI uri() {
        return directory;
    }

    /** The directory's key, pinned at {@link #connect}. */
    public ServerPublicKey pinnedKey() {
        return identity.publicKey();
    }

    public String directoryId() {
        return identity.serverId();
    }

    /** {@code GET /api/v1/directory}. */
    public DirectoryInfo info() throws IOException, InterruptedException, DirectoryException {
        return call(ApiRoute.DIRECTORY_INFO, null, DirectoryInfo.class);
    }

    /** Full-text search; {@code tags} must all match. Every listing's signature is checked. */
    public SearchResults search(String query, List<String> tags, int limit, int offset)
            throws IOException, InterruptedException, DirectoryException {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("limit", limit);
        parameters.put("offset", offset);
        if (!query.isBlank()) {
            parameters.put("q", query);
        }
        parameters.put("tag", List.copyOf(tags));
        SearchResults results =
                send(ApiRoute.DIRECTORY_SEARCH, ApiRoute.DIRECTORY_SEARCH.path(parameters), null, SearchResults.class);
        for (CommunityListing listing : results.communities()) {
            checkSignature(listing);
        }
        return results;
    }

    /** One listing, its signature checked. */
    public CommunityListing listing(String communityId) throws IOException, InterruptedException, DirectoryException {
        CommunityListing listing = call(ApiRoute.DIRECTORY_LISTING, null, CommunityListing.class, communityId);
        checkSignature(listing);
        if (!listing.communityId().equals(communityId)) {
            throw new DirectoryException(
                    0, "listing_mismatch", "asked for " + communityId + ", got " + listing.communityId());
        }
        return listing;
    }

    /**
     * What a client checks before joining a listed community: the listing is signed by this
     * directory, active, and the community's live {@code GET /api/v1/server} presents the key the
     * directory signed.
     *
     * @return the listing, whose endpoint and key the client joins with (the key pinned)
     * @throws DirectoryException {@code community_suspended} or {@code listing_key_mismatch}
     */
    public CommunityListing verifiedForJoin(String communityId)
            throws IOException, InterruptedException, DirectoryException {
        CommunityListing listing = listing(communityId);
        if (!"active".equals(listing.status())) {
            throw new DirectoryException(
                    0,
                    "community_suspended",
                    "community " + communityId + " is " + listing.status() + " in the directory");
        }
        String liveKey = serverInfo(http, URI.create(listing.endpoint())).publicKey();
        if (!listing.serverKey().equals(liveKey)) {
            throw new DirectoryException(
                    0,
                    "listing_key_mismatch",
                    listing.endpoint() + " presents server key " + liveKey + ", not the key " + listing.serverKey()
                            + " the directory listed; refusing to join");
        }
        return listing;
    }

    private void checkSignature(CommunityListing listing) throws DirectoryException {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(listing.listingSignature());
        } catch (IllegalArgumentException e) {
            signature = new byte[0];
        }
        if (!identity.publicKey()
                .verify(
                        SigningDomains.LISTING,
                        SigningDomains.listingBytes(listing.communityId(), listing.serverKey(), listing.endpoint()),
                        signature)) {
            throw new DirectoryException(
                    0,
                    "bad_listing_signature",
                    "listing " + listing.communityId() + " is not signed by the directory's key "
                            + identity.publicKey().base64());
        }
    }

    // --- community side -------------------------------------------------------------------

    /** What a community says about itself when it registers or updates its listing. */
    public record Details(String name, String description, List<String> tags, URI endpoint, AccountId admin) {
        public Details {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            tags = List.copyOf(tags);
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(admin, "admin");
        }
    }

    /** Registers a community, solving the directory's proof of work first (may take seconds). */
    public Registered register(ServerKeyPair key, Details details)
            throws IOException, InterruptedException, DirectoryException {
        int difficulty = info().powDifficulty();
        String nonce = nonce();
        String serverKey = key.publicKey().base64();
        long pow = ProofOfWork.solve(SigningDomains.powChallenge(directoryId(), serverKey, nonce), difficulty);
        CommunityRegistration registration = registration(key, details, nonce, pow);
        return call(
                ApiRoute.DIRECTORY_REGISTER,
                serverSigned(key, SigningDomains.REGISTER, registration),
                Registered.class);
    }

    /** Updates the listing; signed with the key it was registered with. */
    public CommunityListing update(ServerKeyPair key, String communityId, Details details)
            throws IOException, InterruptedException, DirectoryException {
        return call(
                ApiRoute.DIRECTORY_UPDATE,
                serverSigned(key, SigningDomains.UPDATE, registration(key, details, nonce(), 0)),
                CommunityListing.class,
                communityId);
    }

    /** Deletes the listing. */
    public void delete(ServerKeyPair key, String communityId)
            throws IOException, InterruptedException, DirectoryException {
        call(
                ApiRoute.DIRECTORY_DELETE,
                serverSigned(
                        key,
                        SigningDomains.DELETE,
                        new CommunityNotice(directoryId(), clock.millis(), nonce(), communityId)),
                CommunityDeleted.class,
                communityId);
    }

    /** Sends one heartbeat. */
    public CommunityListing heartbeat(ServerKeyPair key, String communityId)
            throws IOException, InterruptedException, DirectoryException {
        return call(
                ApiRoute.DIRECTORY_HEARTBEAT,
                serverSigned(
                        key,
                        SigningDomains.HEARTBEAT,
                        new CommunityNotice(directoryId(), clock.millis(), nonce(), communityId)),
                CommunityListing.class,
                communityId);
    }

    private CommunityRegistration registration(ServerKeyPair key, Details d, String nonce, long pow) {
        return new CommunityRegistration(
                directoryId(),
                clock.millis(),
                nonce,
                d.name(),
                d.description(),
                d.tags(),
                d.endpoint().toString(),
                d.admin().toString(),
                key.publicKey().base64(),
                pow);
    }

    private static ServerSignedRequest serverSigned(ServerKeyPair key, String domain, Object payload)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(payload);
        return new ServerSignedRequest(B64.encodeToString(bytes), B64.encodeToString(key.sign(domain, bytes)));
    }

    // --- account side ---------------------------------------------------------------------

    /** An account's device, which signs KYC and report requests. */
    public record Signer(AccountId account, DeviceKeyPair device, DeviceCertificate certificate) {
        public Signer {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(certificate, "certificate");
        }
    }

    /**
     * KYC: initiates, seals {@code materials} (name to file bytes) to the compliance key the
     * directory names, and submits them. The directory holds only the sealed box.
     *
     * @return the status after submission (normally {@code pending})
     */
    public KycStatus requestKyc(Signer signer, Map<String, byte[]> materials)
            throws IOException, InterruptedException, DirectoryException {
        KycChallenge challenge = call(
                ApiRoute.KYC_INITIATE,
                accountSigned(signer, SigningDomains.KYC_INITIATE, payload(signer)),
                KycChallenge.class);
        List<String> missing = challenge.materials().stream()
                .filter(m -> !materials.containsKey(m))
                .toList();
        if (!missing.isEmpty()) {
            throw new DirectoryException(
                    0, "materials_missing", "the directory requires " + challenge.materials() + "; missing " + missing);
        }
        Map<String, Bytes> files = new LinkedHashMap<>();
        materials.forEach((name, bytes) -> files.put(name, Bytes.of(bytes)));
        byte[] sealed = SealedBox.seal(
                SealedBox.PublicKey.fromBase64(challenge.complianceKey()),
                SigningDomains.KYC_MATERIALS,
                signer.account().toString().getBytes(StandardCharsets.UTF_8),
                JSON.writeValueAsBytes(KycMaterials.of(files)));
        AccountPayload base = payload(signer);
        AccountPayload submit = new AccountPayload(
                base.directory(),
                base.timestamp(),
                base.nonce(),
                base.account(),
                Optional.of(challenge.challenge()),
                Optional.of(B64.encodeToString(sealed)),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        return call(ApiRoute.KYC_VERIFY, accountSigned(signer, SigningDomains.KYC_VERIFY, submit), KycStatus.class);
    }

    /** The account's KYC status. */
    public KycStatus kycStatus(Signer signer) throws IOException, InterruptedException, DirectoryException {
        return signedGet(
                ApiRoute.KYC_STATUS,
                accountSigned(signer, SigningDomains.KYC_STATUS, payload(signer)),
                KycStatus.class);
    }

    /** Reports a community. */
    public ReportStatus report(Signer signer, String communityId, String category, String details)
            throws IOException, InterruptedException, DirectoryException {
        AccountPayload base = payload(signer);
        AccountPayload report = new AccountPayload(
                base.directory(),
                base.timestamp(),
                base.nonce(),
                base.account(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(communityId),
                Optional.of(category),
                Optional.of(details),
                Optional.empty());
        return call(ApiRoute.ABUSE_REPORT, accountSigned(signer, SigningDomains.REPORT, report), ReportStatus.class);
    }

    /** A report's status, as its reporter. */
    public ReportStatus reportStatus(Signer signer, String reportId)
            throws IOException, InterruptedException, DirectoryException {
        AccountPayload base = payload(signer);
        AccountPayload query = new AccountPayload(
                base.directory(),
                base.timestamp(),
                base.nonce(),
                base.account(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(reportId));
        return signedGet(
                ApiRoute.ABUSE_REPORT_STATUS,
                accountSigned(signer, SigningDomains.REPORT_STATUS, query),
                ReportStatus.class,
                reportId);
    }

    private AccountPayload payload(Signer signer) {
        return AccountPayload.of(
                directoryId(), clock.millis(), nonce(), signer.account().toString());
    }

    private static AccountSignedRequest accountSigned(Signer signer, String domain, AccountPayload payload)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(payload);
        return new AccountSignedRequest(
                B64.encodeToString(bytes),
                B64.encodeToString(signer.certificate().encoded()),
                B64.encodeToString(signer.device().sign(domain, bytes)));
    }

    // --- transport ------------------------------------------------------------------------

    private String nonce() {
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }

    /** Calls {@code route} of this directory with {@code body} as JSON (none when null) and reads its answer. */
    private <T> T call(ApiRoute route, Object body, Class<T> answer, Object... pathValues)
            throws IOException, InterruptedException, DirectoryException {
        return send(route, route.path(pathValues), body, answer);
    }

    /** Like {@link #call(ApiRoute, Object, Class, Object...)}, to {@code path} built from {@code route}. */
    private <T> T send(ApiRoute route, String path, Object body, Class<T> answer)
            throws IOException, InterruptedException, DirectoryException {
        HttpRequest.Builder request = request(directory, path);
        if (body == null) {
            request.method(route.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(route.method(), HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        return exchange(directory, route, path, request, answer);
    }

    /** A GET signed by an account, which carries its signed request in {@link SigningDomains#SIGNED_HEADER}. */
    private <T> T signedGet(ApiRoute route, AccountSignedRequest signed, Class<T> answer, Object... pathValues)
            throws IOException, InterruptedException, DirectoryException {
        String path = route.path(pathValues);
        return exchange(
                directory,
                route,
                path,
                request(directory, path)
                        .header(SigningDomains.SIGNED_HEADER, B64.encodeToString(JSON.writeValueAsBytes(signed)))
                        .method(route.method(), HttpRequest.BodyPublishers.noBody()),
                answer);
    }

    /** {@code GET /api/v1/server} of any server (a directory, or a listed community); a refusal is an IOException. */
    private static ServerInfo serverInfo(HttpClient http, URI base) throws IOException, InterruptedException {
        String path = ApiRoute.SERVER_INFO.path();
        try {
            return exchange(
                    http, base, ApiRoute.SERVER_INFO, path, request(base, path).GET(), ServerInfo.class);
        } catch (DirectoryException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static ServerPublicKey publicKey(URI base, ServerInfo info) throws IOException {
        try {
            return ServerPublicKey.fromBase64(Objects.requireNonNull(info.publicKey(), "public_key"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException(
                    base + ApiRoute.SERVER_INFO.path() + " answered no usable public_key: " + e.getMessage(), e);
        }
    }

    private static HttpRequest.Builder request(URI base, String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
    }

    private <T> T exchange(URI base, ApiRoute route, String path, HttpRequest.Builder request, Class<T> answer)
            throws IOException, InterruptedException, DirectoryException {
        return exchange(http, base, route, path, request, answer);
    }

    /**
     * Sends {@code request} and reads its answer as {@code answer}.
     *
     * @throws DirectoryException with the server's error code on a 4xx or 5xx answer
     * @throws IOException        when the server is unreachable or its answer is not a valid {@code answer}
     */
    private static <T> T exchange(
            HttpClient http, URI base, ApiRoute route, String path, HttpRequest.Builder request, Class<T> answer)
            throws IOException, InterruptedException, DirectoryException {
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw refusal(response.statusCode(), response.body());
        }
        try {
            T value = JSON.readValue(response.body(), answer);
            if (value == null) {
                throw new IOException(route.method() + " " + base + path + " answered null");
            }
            return value;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IOException(
                    route.method() + " " + base + path + " answered a body that is not a valid "
                            + answer.getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The refusal a 4xx or 5xx answer carries, read from its error body when it has one. */
    private static DirectoryException refusal(int status, byte[] body) {
        try {
            ErrorBody error = JSON.readValue(body, ErrorBody.class);
            if (error != null) {
                return new DirectoryException(status, error.code(), error.message());
            }
        } catch (IOException | IllegalArgumentException | NullPointerException notAnErrorBody) {
            // Not our error body (a proxy's page, say): the status is all there is.
        }
        return new DirectoryException(status, "http_" + status, "HTTP " + status);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
