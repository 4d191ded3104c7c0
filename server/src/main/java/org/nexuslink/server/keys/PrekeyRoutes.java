// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.transparency.KeyTransparencyRoutes;

/**
 * Seed 000's prekey endpoints: {@code POST /api/v1/prekeys}, {@code GET /api/v1/prekeys/count}
 * and {@code GET /api/v1/prekeys/{account_id}}. Bytes are standard base64 (RFC 4648 §4, with
 * padding) in JSON. docs/api-prekeys.md documents each one. Thread-safe.
 */
public final class PrekeyRoutes {
    private final PrekeyService prekeys;
    private final Authenticator authenticator;
    private final JsonBodies bodies;
    private final Function<AccountId, Optional<KeyTransparencyRoutes.ProofView>> keyTransparency;

    /** Bundles without key-transparency proofs. */
    public PrekeyRoutes(PrekeyService prekeys, Authenticator authenticator, JsonBodies bodies) {
        this(prekeys, authenticator, bodies, account -> Optional.empty());
    }

    /**
     * @param prekeys the service
     * @param authenticator turns bearer tokens into devices; every endpoint needs one
     * @param bodies reads request bodies with the API's JSON conventions
     * @param keyTransparency the key-transparency proof a bundle answer carries for its account
     *     (issue 21): the log entries of its identity key and device certificates
     */
    public PrekeyRoutes(PrekeyService prekeys, Authenticator authenticator, JsonBodies bodies,
                        Function<AccountId, Optional<KeyTransparencyRoutes.ProofView>> keyTransparency) {
        this.prekeys = Objects.requireNonNull(prekeys, "prekeys");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
        this.keyTransparency = Objects.requireNonNull(keyTransparency, "keyTransparency");
    }

    record KeyJson(Long keyId, byte[] publicKey) {}

    record SignedKeyJson(Long keyId, byte[] publicKey, byte[] signature) {}

    record UploadRequest(SignedKeyJson signedPrekey, List<KeyJson> oneTimePrekeys, List<SignedKeyJson> kyberPrekeys,
                         SignedKeyJson lastResortKyberPrekey) {}

    record CountsView(int deviceId, int oneTimePrekeys, int kyberPrekeys, boolean lastResortKyberPrekey,
                      boolean signedPrekey, OptionalLong signedPrekeyAgeSeconds, boolean lowStock,
                      boolean needsReregistration, int lowStockThreshold, int maxOneTimePrekeys,
                      int maxKyberPrekeys) {}

    record PrekeyView(int keyId, byte[] publicKey) {}

    record SignedPrekeyView(int keyId, byte[] publicKey, byte[] signature) {}

    record KyberPrekeyView(int keyId, byte[] publicKey, byte[] signature, boolean lastResort) {}

    record DeviceBundleView(int deviceId, byte[] deviceKey, byte[] certificate, SignedPrekeyView signedPrekey,
                            Optional<PrekeyView> oneTimePrekey, KyberPrekeyView kyberPrekey) {}

    record UnavailableView(int deviceId, String reason) {}

    record BundlesView(String accountId, byte[] identityKey, List<DeviceBundleView> devices,
                       List<UnavailableView> unavailableDevices, List<byte[]> revocations,
                       Optional<KeyTransparencyRoutes.ProofView> keyTransparency) {}

    /** Adds the three routes; {@code count} before {@code {account_id}} so it is matched first. */
    public void register(Router router) {
        router.post("/api/v1/prekeys", this::upload);
        router.get("/api/v1/prekeys/count", this::count);
        router.get("/api/v1/prekeys/{account_id}", this::bundles);
    }

    private Response upload(Request request) {
        Principal device = authenticator.authenticate(request);
        PrekeyUpload upload = toUpload(bodies.read(request, UploadRequest.class));
        return Response.ok(countsView(device, prekeys.upload(device, upload)));
    }

    private Response count(Request request) {
        Principal device = authenticator.authenticate(request);
        return Response.ok(countsView(device, prekeys.counts(device)));
    }

    private Response bundles(Request request) {
        Principal requester = authenticator.authenticate(request);
        AccountId account;
        try {
            account = AccountId.parse(request.pathParam("account_id"));
        } catch (InvalidAccountIdException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "account_id: " + e.getMessage());
        }
        Optional<DeviceId> device = request.queryParam("device").map(PrekeyRoutes::deviceId);
        AccountBundles bundles = prekeys.bundles(requester.account(), account, device);
        return Response.ok(new BundlesView(bundles.account().toString(), bundles.identityKey().toByteArray(),
                bundles.devices().stream().map(PrekeyRoutes::view).toList(),
                bundles.unavailable().stream()
                        .map(u -> new UnavailableView(u.device().value(), u.reason().wireName())).toList(),
                bundles.revocations().stream().map(Bytes::toByteArray).toList(), keyTransparency.apply(account)));
    }

    private CountsView countsView(Principal device, PrekeyCounts counts) {
        PrekeySettings settings = prekeys.settings();
        Instant now = prekeys.now();
        OptionalLong age = counts.signedPrekeyAge(now).map(a -> OptionalLong.of(Math.max(0, a.toSeconds())))
                .orElse(OptionalLong.empty());
        return new CountsView(device.device().value(), counts.oneTimePrekeys(), counts.kyberPrekeys(),
                counts.lastResortKyberPrekey(), counts.signedPrekeyUploadedAt().isPresent(), age,
                counts.isLow(settings.lowStockThreshold()), counts.needsReregistration(now, settings.rotationInterval()),
                settings.lowStockThreshold(), settings.maxOneTimePrekeys(), settings.maxKyberPrekeys());
    }

    private static DeviceBundleView view(DeviceBundle b) {
        SignedEcPrekey s = b.signedPrekey();
        KyberPrekey k = b.kyberPrekey();
        return new DeviceBundleView(b.device().value(), b.deviceKey().toByteArray(), b.certificate().toByteArray(),
                new SignedPrekeyView(s.keyId(), s.publicKey().toByteArray(), s.signature().toByteArray()),
                b.oneTimePrekey().map(e -> new PrekeyView(e.keyId(), e.publicKey().toByteArray())),
                new KyberPrekeyView(k.keyId(), k.publicKey().toByteArray(), k.signature().toByteArray(),
                        b.kyberLastResort()));
    }

    private static DeviceId deviceId(String text) {
        try {
            return new DeviceId(Integer.parseInt(text));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "device must be an integer 1-127, got '" + abbreviate(text) + "'");
        }
    }

    private static PrekeyUpload toUpload(UploadRequest body) {
        Optional<SignedEcPrekey> signed = Optional.ofNullable(body.signedPrekey())
                .map(k -> field("signed_prekey", () -> new SignedEcPrekey(keyId(k.keyId()),
                        bytes("public_key", k.publicKey()), bytes("signature", k.signature()))));
        List<EcPrekey> oneTime = new ArrayList<>();
        List<KeyJson> oneTimeJson = orEmpty(body.oneTimePrekeys());
        for (int i = 0; i < oneTimeJson.size(); i++) {
            KeyJson k = oneTimeJson.get(i);
            oneTime.add(field("one_time_prekeys[" + i + "]", () -> new EcPrekey(keyId(notNull(k).keyId()),
                    bytes("public_key", k.publicKey()))));
        }
        List<KyberPrekey> kyber = new ArrayList<>();
        List<SignedKeyJson> kyberJson = orEmpty(body.kyberPrekeys());
        for (int i = 0; i < kyberJson.size(); i++) {
            kyber.add(field("kyber_prekeys[" + i + "]", kyberKey(kyberJson.get(i))));
        }
        Optional<KyberPrekey> lastResort = Optional.ofNullable(body.lastResortKyberPrekey())
                .map(k -> field("last_resort_kyber_prekey", kyberKey(k)));
        return field("body", () -> new PrekeyUpload(signed, oneTime, kyber, lastResort));
    }

    private static Supplier<KyberPrekey> kyberKey(SignedKeyJson k) {
        return () -> new KyberPrekey(keyId(notNull(k).keyId()), bytes("public_key", k.publicKey()),
                bytes("signature", k.signature()));
    }

    /** Builds a value, turning a refusal of its constructor into {@code invalid_field} naming the field. */
    private static <T> T field(String name, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, name + ": " + e.getMessage());
        }
    }

    private static <T> T notNull(T value) {
        if (value == null) {
            throw new IllegalArgumentException("must be an object, not null");
        }
        return value;
    }

    private static int keyId(Long value) {
        if (value == null) {
            throw new IllegalArgumentException("key_id is required");
        }
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("key_id must be 0.." + Integer.MAX_VALUE + ", got " + value);
        }
        return value.intValue();
    }

    private static Bytes bytes(String name, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return Bytes.of(value);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 17) + "..." : s;
    }
}
