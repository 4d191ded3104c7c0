// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.storage.Database;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prekey distribution (seeds 000 and 004): devices upload their signed, one-time and Kyber
 * prekeys; members fetch bundles, which consumes one-time keys; a device learns when its stock
 * runs low; a device whose signed prekey is stale and whose one-time EC keys are gone gets no
 * bundle (seed 004's emergency mode). docs/api-prekeys.md states the rules.
 *
 * <p>Thread-safe: state lives in the database; the gauge cache is an atomic reference.
 */
public final class PrekeyService {
    private static final Logger log = LoggerFactory.getLogger(PrekeyService.class);

    private final Database database;
    private final PrekeyStore store;
    private final PrekeySettings settings;
    private final Clock clock;
    private final PrekeyStockListener listener;
    private final PrekeyFetchLimit fetchLimit;
    /** The gauge's last count and when it was taken. */
    private final AtomicReference<Snapshot> totals = new AtomicReference<>();

    private record Snapshot(Instant at, PrekeyStore.Totals totals) {}

    /**
     * @param database where the keys live
     * @param settings quotas, low-stock threshold and rotation interval ({@link PrekeySettings#DEFAULTS})
     * @param clock the time keys are stamped with and aged by
     * @param listener told when a fetch leaves a device low on stock
     * @param registry where {@code nexuslink_prekeys_available} (tagged {@code type=ec|kyber}: one-time keys stored on the whole server) is registered
     */
    public PrekeyService(
            Database database,
            PrekeySettings settings,
            Clock clock,
            PrekeyStockListener listener,
            MeterRegistry registry) {
        this(database, settings, clock, listener, registry, 30);
    }

    /**
     * @param fetchesPerHour bundle fetches one account may make of another's per hour
     *     ({@code limits.prekey_fetches_per_hour}); see {@link #bundles(AccountId, AccountId, Optional)}
     */
    public PrekeyService(
            Database database,
            PrekeySettings settings,
            Clock clock,
            PrekeyStockListener listener,
            MeterRegistry registry,
            int fetchesPerHour) {
        this.fetchLimit = new PrekeyFetchLimit(fetchesPerHour);
        this.database = Objects.requireNonNull(database, "database");
        this.store = new PrekeyStore(database);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(registry, "registry");
        gauge(registry, "ec", PrekeyStore.Totals::oneTimePrekeys);
        gauge(registry, "kyber", PrekeyStore.Totals::kyberPrekeys);
    }

    public PrekeySettings settings() {
        return settings;
    }

    /** The service clock's now, for ages reported alongside counts. */
    Instant now() {
        return clock.instant();
    }

    /** The store, for the device-removal transaction ({@link PrekeyStore#deleteAll}). */
    public PrekeyStore store() {
        return store;
    }

    /**
     * Stores what a device uploads for itself: all of it, or nothing.
     *
     * @param device the authenticated uploading device; keys are stored for it only
     * @return its stock afterwards
     * @throws ApiException {@code invalid_field} for a key libsignal cannot parse,
     *     {@code bad_signature} for a signature the device key does not verify,
     *     {@code prekey_limit_exceeded} when the batch or the stored total would pass the limit,
     *     {@code conflict} for a key id the device already uses, {@code device_not_certified} when
     *     the device is not (or no longer) registered
     */
    public PrekeyCounts upload(Principal device, PrekeyUpload upload) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(upload, "upload");
        checkBatchSizes(upload);
        ECPublicKey deviceKey = deviceKey(
                store.activeDeviceKey(device.account(), device.device()).orElseThrow(() -> notRegistered(device)));
        verify(deviceKey, upload);

        Instant now = clock.instant();
        PrekeyCounts counts = database.inTransaction(h -> {
            AccountId account = device.account();
            DeviceId id = device.device();
            if (store.activeDeviceKey(h, account, id).isEmpty()) {
                throw notRegistered(device);
            }
            List<Integer> ecIds =
                    upload.oneTimePrekeys().stream().map(EcPrekey::keyId).toList();
            Set<Integer> ecTaken = store.storedOneTimeKeyIds(h, account, id, ecIds);
            if (!ecTaken.isEmpty()) {
                throw new ApiException(ErrorCode.CONFLICT, "one-time prekey ids already stored: " + sorted(ecTaken));
            }
            if (upload.lastResortKyberPrekey().isPresent()) {
                store.deleteLastResortKyberPrekey(h, account, id);
            }
            List<Integer> kyberIds = new ArrayList<>(
                    upload.kyberPrekeys().stream().map(KyberPrekey::keyId).toList());
            upload.lastResortKyberPrekey().ifPresent(k -> kyberIds.add(k.keyId()));
            Set<Integer> kyberTaken = store.storedKyberKeyIds(h, account, id, kyberIds);
            if (!kyberTaken.isEmpty()) {
                throw new ApiException(ErrorCode.CONFLICT, "Kyber prekey ids already stored: " + sorted(kyberTaken));
            }
            PrekeyCounts before = store.counts(h, account, id);
            checkQuota(
                    "one-time prekeys",
                    before.oneTimePrekeys(),
                    upload.oneTimePrekeys().size(),
                    settings.maxOneTimePrekeys());
            checkQuota(
                    "Kyber prekeys",
                    before.kyberPrekeys(),
                    upload.kyberPrekeys().size(),
                    settings.maxKyberPrekeys());

            upload.signedPrekey().ifPresent(k -> store.replaceSignedPrekey(h, account, id, k, now));
            store.addOneTimePrekeys(h, account, id, upload.oneTimePrekeys(), now);
            store.addKyberPrekeys(h, account, id, upload.kyberPrekeys(), false, now);
            upload.lastResortKyberPrekey().ifPresent(k -> store.addKyberPrekeys(h, account, id, List.of(k), true, now));
            return store.counts(h, account, id);
        });
        log.atDebug()
                .addKeyValue("account", device.account())
                .addKeyValue("device", device.device())
                .addKeyValue("signed", upload.signedPrekey().isPresent())
                .addKeyValue("one_time", upload.oneTimePrekeys().size())
                .addKeyValue("kyber", upload.kyberPrekeys().size())
                .addKeyValue("last_resort", upload.lastResortKyberPrekey().isPresent())
                .log("prekeys uploaded");
        return counts;
    }

    private void checkBatchSizes(PrekeyUpload upload) {
        if (upload.oneTimePrekeys().size() > settings.maxOneTimePrekeys()) {
            throw new ApiException(
                    ErrorCode.PREKEY_LIMIT_EXCEEDED,
                    "one_time_prekeys has " + upload.oneTimePrekeys().size() + " keys; at most "
                            + settings.maxOneTimePrekeys() + " per request");
        }
        if (upload.kyberPrekeys().size() > settings.maxKyberPrekeys()) {
            throw new ApiException(
                    ErrorCode.PREKEY_LIMIT_EXCEEDED,
                    "kyber_prekeys has " + upload.kyberPrekeys().size() + " keys; at most " + settings.maxKyberPrekeys()
                            + " per request");
        }
    }

    private static void checkQuota(String what, int stored, int adding, int max) {
        if (stored + adding > max) {
            throw new ApiException(
                    ErrorCode.PREKEY_LIMIT_EXCEEDED,
                    "the device holds " + stored + " " + what + "; adding " + adding + " would pass the limit of "
                            + max);
        }
    }

    /** Parses every key with libsignal and checks every signature against the device key. */
    private static void verify(ECPublicKey deviceKey, PrekeyUpload upload) {
        upload.signedPrekey().ifPresent(k -> {
            ecKey("signed_prekey.public_key", k.publicKey());
            checkSignature(deviceKey, "signed_prekey", k.keyId(), k.publicKey(), k.signature());
        });
        for (int i = 0; i < upload.oneTimePrekeys().size(); i++) {
            ecKey(
                    "one_time_prekeys[" + i + "].public_key",
                    upload.oneTimePrekeys().get(i).publicKey());
        }
        for (int i = 0; i < upload.kyberPrekeys().size(); i++) {
            verifyKyber(
                    deviceKey, "kyber_prekeys[" + i + "]", upload.kyberPrekeys().get(i));
        }
        upload.lastResortKyberPrekey().ifPresent(k -> verifyKyber(deviceKey, "last_resort_kyber_prekey", k));
    }

    private static void verifyKyber(ECPublicKey deviceKey, String field, KyberPrekey key) {
        try {
            new KEMPublicKey(key.publicKey().toByteArray());
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, field + ".public_key is not a Kyber-1024 public key");
        }
        checkSignature(deviceKey, field, key.keyId(), key.publicKey(), key.signature());
    }

    private static void ecKey(String field, Bytes key) {
        try {
            new ECPublicKey(key.toByteArray());
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, field + " is not a serialized Curve25519 public key");
        }
    }

    private static void checkSignature(ECPublicKey deviceKey, String field, int keyId, Bytes key, Bytes signature) {
        if (!deviceKey.verifySignature(key.toByteArray(), signature.toByteArray())) {
            throw new ApiException(
                    ErrorCode.BAD_SIGNATURE, field + " (key id " + keyId + ") is not signed by the device key");
        }
    }

    /** The stored device key (NexusLink's raw 32-byte form) as libsignal's key. */
    private static ECPublicKey deviceKey(Bytes stored) {
        try {
            return ECPublicKey.fromPublicKeyBytes(stored.toByteArray());
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new IllegalStateException("corrupt device key in the database", e);
        }
    }

    private static ApiException notRegistered(Principal device) {
        return new ApiException(
                ErrorCode.DEVICE_NOT_CERTIFIED,
                "device " + device.device() + " of " + device.account() + " is not registered");
    }

    /**
     * Hands out one bundle per available unrevoked device of {@code account} (or of the one
     * device asked for), consuming one one-time EC and one one-time Kyber prekey of each in one
     * transaction; when no one-time Kyber key is left, the last-resort one is handed out instead.
     * Devices that cannot be given a bundle are listed with their reason and lose no key. Then
     * calls the stock listener for each device left low.
     *
     * @param device empty for all devices
     * @throws ApiException {@code not_found} when the account is no (unbanned) member or the device
     *     not one of its unrevoked devices; {@code prekeys_exhausted} when the asked device, or
     *     every device, has no bundle to give
     */
    public AccountBundles bundles(AccountId account, Optional<DeviceId> device) {
        return bundles(Optional.empty(), account, device);
    }

    /**
     * {@link #bundles(AccountId, Optional)} for a member fetching another account's bundles, at
     * most {@code limits.prekey_fetches_per_hour} times per (requester, target) pair in an hour:
     * one-time prekeys are a stock the target refills only when it comes online, and a member
     * fetching in a loop would otherwise leave everyone else the last-resort key (no forward
     * secrecy for the first message) or nothing. Fetching one's own account's bundles (to reach
     * one's other devices) is not counted: draining them harms only oneself.
     *
     * @throws ApiException {@code rate_limited} with the seconds until the pair's hour ends, and
     *     then nothing is consumed; otherwise as {@link #bundles(AccountId, Optional)}
     */
    public AccountBundles bundles(AccountId requester, AccountId account, Optional<DeviceId> device) {
        Objects.requireNonNull(requester, "requester");
        return bundles(requester.equals(account) ? Optional.empty() : Optional.of(requester), account, device);
    }

    private AccountBundles bundles(Optional<AccountId> countedFor, AccountId account, Optional<DeviceId> device) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(device, "device");
        Instant now = clock.instant();
        AccountBundles bundles = database.inTransaction(h -> {
            if (countedFor.isPresent()) {
                Optional<java.time.Duration> wait = fetchLimit.count(h, countedFor.get(), account, now);
                if (wait.isPresent()) {
                    long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                    throw ApiException.rateLimited(
                            "at most " + fetchLimit.perHour() + " bundle fetches of " + account + " per hour; retry in "
                                    + seconds + " s",
                            seconds);
                }
            }
            PrekeyStore.Member member = store.member(h, account)
                    .filter(m -> !m.banned())
                    .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, account + " is not a member"));
            List<PrekeyStore.ActiveDevice> devices = store.activeDevices(h, account, device);
            if (devices.isEmpty()) {
                throw new ApiException(
                        ErrorCode.NOT_FOUND,
                        device.map(d -> "device " + d + " of " + account + " is not registered")
                                .orElse(account + " has no registered device"));
            }
            List<DeviceBundle> handedOut = new ArrayList<>();
            List<UnavailableDevice> unavailable = new ArrayList<>();
            for (PrekeyStore.ActiveDevice d : devices) {
                Optional<DeviceBundle> bundle = take(h, account, d, now);
                if (bundle.isPresent()) {
                    handedOut.add(bundle.get());
                } else {
                    unavailable.add(new UnavailableDevice(d.device(), reason(h, account, d.device(), now)));
                }
            }
            if (handedOut.isEmpty()) {
                throw new ApiException(
                        ErrorCode.PREKEYS_EXHAUSTED,
                        unavailable.stream()
                                .map(u -> "device " + u.device() + ": "
                                        + u.reason().wireName())
                                .collect(Collectors.joining(", ", "no bundle for " + account + " (", ")")));
            }
            return new AccountBundles(
                    account, member.identityKey(), handedOut, unavailable, store.signedRevocations(h, account));
        });
        for (UnavailableDevice u : bundles.unavailable()) {
            log.atDebug()
                    .addKeyValue("account", account)
                    .addKeyValue("device", u.device())
                    .addKeyValue("reason", u.reason().wireName())
                    .log("no bundle for device");
        }
        for (DeviceBundle b : bundles.devices()) {
            notifyIfLow(new Principal(account, b.device()));
        }
        return bundles;
    }

    /**
     * Takes one device's bundle inside the fetch transaction. A savepoint undoes the consumption
     * when the device turns out to have no bundle (no key is lost for nothing).
     */
    private Optional<DeviceBundle> take(Handle h, AccountId account, PrekeyStore.ActiveDevice d, Instant now) {
        Optional<SignedEcPrekey.Stored> signed = store.signedPrekey(h, account, d.device());
        if (signed.isEmpty()) {
            return Optional.empty();
        }
        String savepoint = "bundle_" + d.device().value();
        h.savepoint(savepoint);
        Optional<EcPrekey> oneTime = store.takeOneTimePrekey(h, account, d.device());
        // Deciding on the key actually taken (not on an earlier count) keeps a weak bundle from
        // slipping through when concurrent fetches drain the last one-time key.
        boolean emergency =
                oneTime.isEmpty() && PrekeyCounts.isStale(signed.get().uploadedAt(), now, settings.rotationInterval());
        Optional<KyberPrekey> kyber = emergency ? Optional.empty() : store.takeKyberPrekey(h, account, d.device());
        boolean lastResort = false;
        if (!emergency && kyber.isEmpty()) {
            kyber = store.lastResortKyberPrekey(h, account, d.device());
            lastResort = kyber.isPresent();
        }
        if (kyber.isEmpty()) {
            h.rollbackToSavepoint(savepoint);
            return Optional.empty();
        }
        h.releaseSavepoint(savepoint);
        return Optional.of(new DeviceBundle(
                d.device(), d.deviceKey(), d.certificate(), signed.get().key(), oneTime, kyber.get(), lastResort));
    }

    /** Why {@link #take} gave no bundle, read after its savepoint was undone. */
    private UnavailableDevice.Reason reason(Handle h, AccountId account, DeviceId device, Instant now) {
        PrekeyCounts counts = store.counts(h, account, device);
        if (counts.signedPrekeyUploadedAt().isEmpty()) {
            return UnavailableDevice.Reason.NO_SIGNED_PREKEY;
        }
        if (counts.needsReregistration(now, settings.rotationInterval())) {
            return UnavailableDevice.Reason.NEEDS_REREGISTRATION;
        }
        return UnavailableDevice.Reason.NO_KYBER_PREKEY;
    }

    private void notifyIfLow(Principal device) {
        PrekeyCounts counts = store.counts(device.account(), device.device());
        if (!counts.isLow(settings.lowStockThreshold())) {
            return;
        }
        log.atDebug()
                .addKeyValue("account", device.account())
                .addKeyValue("device", device.device())
                .addKeyValue("one_time", counts.oneTimePrekeys())
                .addKeyValue("kyber", counts.kyberPrekeys())
                .log("prekey stock low");
        try {
            listener.stockLow(device, counts);
        } catch (RuntimeException e) {
            // The keys are handed out and committed; the device still learns on its next connect.
            log.atWarn()
                    .setCause(e)
                    .addKeyValue("account", device.account())
                    .addKeyValue("device", device.device())
                    .log("prekey stock listener failed");
        }
    }

    /** The calling device's stock. */
    public PrekeyCounts counts(Principal device) {
        Objects.requireNonNull(device, "device");
        return store.counts(device.account(), device.device());
    }

    /**
     * Whether a device has fewer one-time EC or Kyber prekeys than the threshold: the WebSocket
     * gateway asks on connect, so a device that missed the live notice still learns.
     */
    public boolean isLowOnStock(AccountId account, DeviceId device) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(device, "device");
        return store.counts(account, device).isLow(settings.lowStockThreshold());
    }

    /** Whether a device is in seed 004's emergency mode now. */
    public boolean needsReregistration(AccountId account, DeviceId device) {
        return store.counts(account, device).needsReregistration(clock.instant(), settings.rotationInterval());
    }

    private void gauge(MeterRegistry registry, String type, ToLongFunction<PrekeyStore.Totals> value) {
        Gauge.builder(MetricName.PREKEYS_AVAILABLE.meterName(), this, s -> s.available(value))
                .tag("type", type)
                .description("One-time prekeys stored on this server, summed over all devices")
                .strongReference(true)
                .register(registry);
    }

    private double available(ToLongFunction<PrekeyStore.Totals> value) {
        Instant now = clock.instant();
        Snapshot last = totals.get();
        if (last == null || !now.isBefore(last.at().plus(settings.metricRefresh()))) {
            try {
                last = new Snapshot(now, store.totals());
            } catch (RuntimeException e) {
                // A scrape must not fail because the database is down; /health reports that.
                log.atWarn().addKeyValue("error", e.toString()).log("cannot count prekeys for the gauge");
                return Double.NaN;
            }
            totals.set(last);
        }
        return value.applyAsLong(last.totals());
    }

    private static String sorted(Set<Integer> ids) {
        return new TreeSet<>(ids).toString();
    }
}
