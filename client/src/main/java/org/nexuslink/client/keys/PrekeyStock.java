// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.keys;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.SignalStore;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.PrekeysApi;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * Keeps this device's prekeys on a community server stocked (seed 004's client duties, docs/api.md
 * "Prekeys"): the first upload on join (a signed prekey, 100 one-time EC prekeys, 100 one-time
 * Kyber prekeys and a last-resort Kyber prekey), top-ups when the server reports low stock, and a
 * weekly signed-prekey rotation. Private halves go to the local store before anything is
 * uploaded, so a key the server hands out can always be used to decrypt.
 *
 * <p>Not thread-safe: the client calls it from its one event thread.
 */
public final class PrekeyStock {
    /** How many one-time keys of each kind the server keeps per device at most. */
    public static final int MAX_ONE_TIME = 100;
    /** How often the signed prekey is replaced (seed 004's {@code signedPrekey.rotationInterval}). */
    public static final Duration ROTATION = Duration.ofDays(7);
    /** How long a replaced signed prekey stays usable for sessions started with it. */
    public static final Duration RETIRED_SIGNED_PREKEY_GRACE = Duration.ofDays(30);

    static final String NEXT_EC_ID = "prekeys.next_ec_id";
    static final String NEXT_KYBER_ID = "prekeys.next_kyber_id";
    static final String NEXT_SIGNED_ID = "prekeys.next_signed_id";
    static final String SIGNED_AT = "prekeys.signed_at";

    private static final int MAX_KEY_ID = Integer.MAX_VALUE;

    private final ProfileStore store;
    private final DeviceKeyPair device;
    private final Clock clock;

    public PrekeyStock(ProfileStore store, DeviceKeyPair device, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.device = Objects.requireNonNull(device, "device");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The first upload after joining: every kind of key, the one-time kinds filled to the maximum. */
    public void publishAll(CommunityApi api, String token) throws IOException, InterruptedException {
        PrekeysApi.SignedKey signed = newSignedPrekey();
        List<PrekeysApi.Key> oneTime = newOneTimePrekeys(MAX_ONE_TIME);
        List<PrekeysApi.SignedKey> kyber = newKyberPrekeys(MAX_ONE_TIME);
        api.uploadPrekeys(new PrekeysApi.UploadRequest(signed, oneTime, kyber, newLastResortKyberPrekey()), token);
    }

    /**
     * Asks the server for this device's stock and uploads what is missing: one-time keys up to the
     * maximum when it is low, a new signed prekey when the current one is due for rotation or
     * absent, a last-resort Kyber key when absent.
     *
     * @return what was uploaded, for the caller's log ("nothing" when the stock was fine)
     */
    public String replenish(CommunityApi api, String token) throws IOException, InterruptedException {
        PrekeysApi.Counts count = api.prekeyCounts(token);
        List<String> uploaded = new ArrayList<>();
        List<PrekeysApi.Key> oneTime = null;
        List<PrekeysApi.SignedKey> kyberKeys = null;
        PrekeysApi.SignedKey signed = null;
        PrekeysApi.SignedKey lastResort = null;
        int ec = count.oneTimePrekeys();
        int kyber = count.kyberPrekeys();
        if (count.lowStock() || count.needsReregistration()) {
            if (ec < count.maxOneTimePrekeys()) {
                oneTime = newOneTimePrekeys(count.maxOneTimePrekeys() - ec);
                uploaded.add("one_time_prekeys");
            }
            if (kyber < count.maxKyberPrekeys()) {
                kyberKeys = newKyberPrekeys(count.maxKyberPrekeys() - kyber);
                uploaded.add("kyber_prekeys");
            }
        }
        if (!count.signedPrekey() || rotationDue()) {
            signed = newSignedPrekey();
            uploaded.add("signed_prekey");
        }
        if (!count.lastResortKyberPrekey()) {
            lastResort = newLastResortKyberPrekey();
            uploaded.add("last_resort_kyber_prekey");
        }
        if (uploaded.isEmpty()) {
            return "nothing";
        }
        api.uploadPrekeys(new PrekeysApi.UploadRequest(signed, oneTime, kyberKeys, lastResort), token);
        return String.join(", ", uploaded);
    }

    /** Whether the signed prekey is older than {@link #ROTATION}. */
    public boolean rotationDue() {
        long signedAt = store.settings().getLong(SIGNED_AT, 0);
        return signedAt == 0
                || !clock.instant().isBefore(Instant.ofEpochMilli(signedAt).plus(ROTATION));
    }

    /**
     * This device's bundle for direct mode (docs/p2p.md): its newest signed prekey and its
     * last-resort Kyber prekey, each made and stored first if the profile has none yet. No
     * one-time keys: a peer gets a bundle on every direct-message stream, and reusable keys keep
     * the store from growing with them (PQXDH without a one-time key is what Signal does when they
     * run out; a reused last-resort key is refused for the same base key twice).
     *
     * @param deviceId this device's id in its account
     */
    public PreKeyBundle directBundle(int deviceId) {
        SignalStore signal = store.signal();
        if (signal.signedPreKeyCount() == 0) {
            newSignedPrekey();
        }
        if (signal.lastResortKyberPreKeyIds().isEmpty()) {
            newLastResortKyberPrekey();
        }
        SignedPreKeyRecord signed = signal.loadSignedPreKeys().stream()
                .max(java.util.Comparator.comparingLong(SignedPreKeyRecord::getTimestamp))
                .orElseThrow();
        try {
            KyberPreKeyRecord kyber =
                    signal.loadKyberPreKey(signal.lastResortKyberPreKeyIds().getLast());
            return new PreKeyBundle(
                    signal.getLocalRegistrationId(),
                    deviceId,
                    PreKeyBundle.NULL_PRE_KEY_ID,
                    null,
                    signed.getId(),
                    signed.getKeyPair().getPublicKey(),
                    signed.getSignature(),
                    new IdentityKey(device.publicKey()),
                    kyber.getId(),
                    kyber.getKeyPair().getPublicKey(),
                    kyber.getSignature());
        } catch (InvalidKeyIdException | InvalidKeyException e) {
            throw new IllegalStateException("a prekey just listed is missing or unreadable", e);
        }
    }

    private PrekeysApi.SignedKey newSignedPrekey() {
        int id = nextIds(NEXT_SIGNED_ID, 1);
        long now = clock.millis();
        ECKeyPair pair = ECKeyPair.generate();
        byte[] signature =
                device.privateKey().calculateSignature(pair.getPublicKey().serialize());
        SignalStore signal = store.signal();
        store.transaction(() -> {
            signal.storeSignedPreKey(id, new SignedPreKeyRecord(id, now, pair, signature));
            store.settings().putLong(SIGNED_AT, now);
            retireOldSignedPrekeys(signal, id, now);
        });
        return new PrekeysApi.SignedKey((long) id, Bytes.of(pair.getPublicKey().serialize()), Bytes.of(signature));
    }

    /** Drops signed prekeys replaced more than the grace period ago; the current one always stays. */
    private void retireOldSignedPrekeys(SignalStore signal, int current, long now) {
        for (SignedPreKeyRecord record : signal.loadSignedPreKeys()) {
            if (record.getId() != current
                    && record.getTimestamp()
                                    + ROTATION.plus(RETIRED_SIGNED_PREKEY_GRACE).toMillis()
                            < now) {
                signal.removeSignedPreKey(record.getId());
            }
        }
    }

    private List<PrekeysApi.Key> newOneTimePrekeys(int count) {
        int first = nextIds(NEXT_EC_ID, count);
        List<PrekeysApi.Key> keys = new ArrayList<>(count);
        List<PreKeyRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = wrap(first, i);
            ECKeyPair pair = ECKeyPair.generate();
            records.add(new PreKeyRecord(id, pair));
            keys.add(new PrekeysApi.Key((long) id, Bytes.of(pair.getPublicKey().serialize())));
        }
        SignalStore signal = store.signal();
        store.transaction(() -> records.forEach(r -> signal.storePreKey(r.getId(), r)));
        return keys;
    }

    private List<PrekeysApi.SignedKey> newKyberPrekeys(int count) {
        int first = nextIds(NEXT_KYBER_ID, count);
        List<PrekeysApi.SignedKey> keys = new ArrayList<>(count);
        List<KyberPreKeyRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(kyberRecord(wrap(first, i), keys));
        }
        SignalStore signal = store.signal();
        store.transaction(() -> records.forEach(r -> signal.storeKyberPreKey(r.getId(), r)));
        return keys;
    }

    private PrekeysApi.SignedKey newLastResortKyberPrekey() {
        List<PrekeysApi.SignedKey> keys = new ArrayList<>(1);
        KyberPreKeyRecord record = kyberRecord(nextIds(NEXT_KYBER_ID, 1), keys);
        SignalStore signal = store.signal();
        store.transaction(() -> {
            signal.storeLastResortKyberPreKey(record.getId(), record);
        });
        return keys.getFirst();
    }

    private KyberPreKeyRecord kyberRecord(int id, List<PrekeysApi.SignedKey> into) {
        KEMKeyPair pair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        byte[] signature =
                device.privateKey().calculateSignature(pair.getPublicKey().serialize());
        into.add(
                new PrekeysApi.SignedKey((long) id, Bytes.of(pair.getPublicKey().serialize()), Bytes.of(signature)));
        return new KyberPreKeyRecord(id, clock.millis(), pair, signature);
    }

    /** Reserves {@code count} ids from a counter and returns the first; ids wrap within 1..2^31-1. */
    private int nextIds(String counter, int count) {
        int first = (int) store.settings().getLong(counter, 1);
        store.settings().putLong(counter, wrap(first, count));
        return first;
    }

    private static int wrap(int first, int offset) {
        return (int) (((long) first - 1 + offset) % MAX_KEY_ID + 1);
    }
}
