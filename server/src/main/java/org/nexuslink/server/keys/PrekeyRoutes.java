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
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.KeyTransparencyApi;
import org.nexuslink.protocol.api.PrekeysApi;
import org.nexuslink.protocol.api.PrekeysApi.Bundles;
import org.nexuslink.protocol.api.PrekeysApi.Counts;
import org.nexuslink.protocol.api.PrekeysApi.Key;
import org.nexuslink.protocol.api.PrekeysApi.KyberPrekeyView;
import org.nexuslink.protocol.api.PrekeysApi.PrekeyView;
import org.nexuslink.protocol.api.PrekeysApi.SignedKey;
import org.nexuslink.protocol.api.PrekeysApi.SignedPrekeyView;
import org.nexuslink.protocol.api.PrekeysApi.Unavailable;
import org.nexuslink.protocol.api.PrekeysApi.UploadRequest;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;

/**
 * Seed 000's prekey endpoints: {@code POST /api/v1/prekeys}, {@code GET /api/v1/prekeys/count}
 * and {@code GET /api/v1/prekeys/{account_id}}. Bytes are standard base64 (RFC 4648 §4, with
 * padding) in JSON. docs/api-prekeys.md documents each one. Thread-safe.
 */
public final class PrekeyRoutes {
    private final PrekeyService prekeys;
    private final Authenticator authenticator;
    private final JsonBodies bodies;
    private final Function<AccountId, Optional<KeyTransparencyApi.Proof>> keyTransparency;

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
    public PrekeyRoutes(
            PrekeyService prekeys,
            Authenticator authenticator,
            JsonBodies bodies,
            Function<AccountId, Optional<KeyTransparencyApi.Proof>> keyTransparency) {
        this.prekeys = Objects.requireNonNull(prekeys, "prekeys");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
        this.keyTransparency = Objects.requireNonNull(keyTransparency, "keyTransparency");
    }

    /** Adds the three routes; {@code count} before {@code {account_id}} so it is matched first. */
    public void register(Router router) {
        router.add(ApiRoute.PREKEYS_UPLOAD, this::upload);
        router.add(ApiRoute.PREKEYS_COUNT, this::count);
        router.add(ApiRoute.PREKEYS_BUNDLES, this::bundles);
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
        return Response.ok(new Bundles(
                bundles.account().toString(),
                bundles.identityKey(),
                bundles.devices().stream().map(PrekeyRoutes::view).toList(),
                bundles.unavailable().stream()
                        .map(u -> new Unavailable(u.device().value(), u.reason().wireName()))
                        .toList(),
                bundles.revocations(),
                keyTransparency.apply(account)));
    }

    private Counts countsView(Principal device, PrekeyCounts counts) {
        PrekeySettings settings = prekeys.settings();
        Instant now = prekeys.now();
        OptionalLong age = counts.signedPrekeyAge(now)
                .map(a -> OptionalLong.of(Math.max(0, a.toSeconds())))
                .orElse(OptionalLong.empty());
        return new Counts(
                device.device().value(),
                counts.oneTimePrekeys(),
                counts.kyberPrekeys(),
                counts.lastResortKyberPrekey(),
                counts.signedPrekeyUploadedAt().isPresent(),
                age,
                counts.isLow(settings.lowStockThreshold()),
                counts.needsReregistration(now, settings.rotationInterval()),
                settings.lowStockThreshold(),
                settings.maxOneTimePrekeys(),
                settings.maxKyberPrekeys());
    }

    private static PrekeysApi.DeviceBundle view(DeviceBundle b) {
        SignedEcPrekey s = b.signedPrekey();
        KyberPrekey k = b.kyberPrekey();
        return new PrekeysApi.DeviceBundle(
                b.device().value(),
                b.deviceKey(),
                b.certificate(),
                new SignedPrekeyView(s.keyId(), s.publicKey(), s.signature()),
                b.oneTimePrekey().map(e -> new PrekeyView(e.keyId(), e.publicKey())),
                new KyberPrekeyView(k.keyId(), k.publicKey(), k.signature(), b.kyberLastResort()));
    }

    private static DeviceId deviceId(String text) {
        try {
            return new DeviceId(Integer.parseInt(text));
        } catch (IllegalArgumentException e) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD, "device must be an integer 1-127, got '" + abbreviate(text) + "'");
        }
    }

    private static PrekeyUpload toUpload(UploadRequest body) {
        Optional<SignedEcPrekey> signed = Optional.ofNullable(body.signedPrekey())
                .map(k -> field(
                        "signed_prekey",
                        () -> new SignedEcPrekey(
                                keyId(k.keyId()),
                                bytes("public_key", k.publicKey()),
                                bytes("signature", k.signature()))));
        List<EcPrekey> oneTime = new ArrayList<>();
        List<Key> oneTimeJson = orEmpty(body.oneTimePrekeys());
        for (int i = 0; i < oneTimeJson.size(); i++) {
            Key k = oneTimeJson.get(i);
            oneTime.add(field(
                    "one_time_prekeys[" + i + "]",
                    () -> new EcPrekey(keyId(notNull(k).keyId()), bytes("public_key", k.publicKey()))));
        }
        List<KyberPrekey> kyber = new ArrayList<>();
        List<SignedKey> kyberJson = orEmpty(body.kyberPrekeys());
        for (int i = 0; i < kyberJson.size(); i++) {
            kyber.add(field("kyber_prekeys[" + i + "]", kyberKey(kyberJson.get(i))));
        }
        Optional<KyberPrekey> lastResort = Optional.ofNullable(body.lastResortKyberPrekey())
                .map(k -> field("last_resort_kyber_prekey", kyberKey(k)));
        return field("body", () -> new PrekeyUpload(signed, oneTime, kyber, lastResort));
    }

    private static Supplier<KyberPrekey> kyberKey(SignedKey k) {
        return () -> new KyberPrekey(
                keyId(notNull(k).keyId()), bytes("public_key", k.publicKey()), bytes("signature", k.signature()));
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

    private static Bytes bytes(String name, Bytes value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 17) + "..." : s;
    }
}
