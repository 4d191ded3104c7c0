// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.ReusedBaseKeyException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.groups.state.SenderKeyRecord;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * libsignal's protocol store over the profile store: identities, sessions, one-time, signed and
 * Kyber prekeys and sender keys, each in its own sealed table, so sessions and keys survive a
 * restart and nothing of them is readable in the file.
 *
 * <p>Identities are trusted on first use per address (account id + device id): the first key
 * seen for an address is kept, a different one afterwards is untrusted until
 * {@link #trustIdentity} accepts it, so the client can flag the change to the user.
 *
 * <p>One-time Kyber prekeys are deleted when used; last-resort ones
 * ({@link #storeLastResortKyberPreKey}) are kept, and each (signed prekey, base key) pair they
 * were used with is remembered so a replayed first message is refused.
 *
 * <p>Methods that libsignal's interfaces specify as returning {@code null} for "none" do so;
 * this class's own methods return {@link Optional} or empty lists.
 *
 * <p>Identities, sessions and sender keys are kept in memory within and between transactions
 * (see {@link SealedMap#cached}): libsignal reads and writes each of them on every message.
 *
 * <p>Thread-safe per call. libsignal loads, ratchets and stores a session in separate calls, so
 * run each {@code SessionCipher} or {@code GroupCipher} operation inside
 * {@link ProfileStore#transaction(Runnable)}: otherwise two threads on one address could encrypt
 * with the same chain key.
 */
public final class SignalStore implements SignalProtocolStore {
    /** libsignal's convention: the primary device, left out of {@link #getSubDeviceSessions}. */
    private static final int PRIMARY_DEVICE = 1;

    private final StoreDatabase db;
    private final IdentityKeyPair localIdentity;
    private final SealedMap identities;
    private final SealedMap sessions;
    private final SealedMap preKeys;
    private final SealedMap signedPreKeys;
    private final SealedMap kyberPreKeys;
    private final SealedMap kyberBaseKeys;
    private final SealedMap senderKeys;

    SignalStore(StoreDatabase db, IdentityKeyPair localIdentity) {
        this.db = db;
        this.localIdentity = localIdentity;
        this.identities = SealedMap.cached(db, "identities", SealedMap.CACHED_ROWS);
        this.sessions = SealedMap.cached(db, "sessions", SealedMap.CACHED_ROWS);
        this.preKeys = new SealedMap(db, "prekeys");
        this.signedPreKeys = new SealedMap(db, "signed_prekeys");
        this.kyberPreKeys = new SealedMap(db, "kyber_prekeys");
        this.kyberBaseKeys = new SealedMap(db, "kyber_base_keys");
        this.senderKeys = SealedMap.cached(db, "sender_keys", SealedMap.CACHED_ROWS);
    }

    // ---- identities

    @Override
    public IdentityKeyPair getIdentityKeyPair() {
        return localIdentity;
    }

    /** Always 0: NexusLink addresses devices by account id and device id, not registration ids. */
    @Override
    public int getLocalRegistrationId() {
        return 0;
    }

    /**
     * Remembers {@code identityKey} for {@code address}.
     *
     * @return {@code REPLACED_EXISTING} if another key was stored for the address
     */
    @Override
    public IdentityChange saveIdentity(SignalProtocolAddress address, IdentityKey identityKey) {
        Objects.requireNonNull(identityKey, "identityKey");
        byte[] key = addressKey(address);
        byte[] serialized = identityKey.serialize();
        return db.write(c -> {
            Optional<byte[]> stored = identities.get(key);
            if (stored.isPresent() && MessageDigest.isEqual(stored.get(), serialized)) {
                return IdentityChange.NEW_OR_UNCHANGED;
            }
            identities.put(key, serialized);
            return stored.isPresent() ? IdentityChange.REPLACED_EXISTING : IdentityChange.NEW_OR_UNCHANGED;
        });
    }

    /** True if no key is known for {@code address} yet (first use) or the known key is this one. */
    @Override
    public boolean isTrustedIdentity(SignalProtocolAddress address, IdentityKey identityKey, Direction direction) {
        Objects.requireNonNull(identityKey, "identityKey");
        // Compared as bytes: libsignal asks on every message, and parsing the stored key costs more.
        return identities
                .get(addressKey(address))
                .map(stored -> MessageDigest.isEqual(stored, identityKey.serialize()))
                .orElse(true);
    }

    /** The key stored for {@code address}, or {@code null} (libsignal's contract); see {@link #identity}. */
    @Override
    public IdentityKey getIdentity(SignalProtocolAddress address) {
        return identity(address).orElse(null);
    }

    /** The key stored for {@code address}, if any. */
    public Optional<IdentityKey> identity(SignalProtocolAddress address) {
        return identities.get(addressKey(address)).map(SignalStore::identityKey);
    }

    /** Accepts {@code identityKey} for {@code address}, replacing a different one (the user approved the change). */
    public void trustIdentity(SignalProtocolAddress address, IdentityKey identityKey) {
        Objects.requireNonNull(identityKey, "identityKey");
        identities.put(addressKey(address), identityKey.serialize());
    }

    // ---- sessions

    /** The session with {@code address}, or {@code null} if there is none (libsignal's contract). */
    @Override
    public SessionRecord loadSession(SignalProtocolAddress address) {
        return sessions.get(addressKey(address)).map(SignalStore::sessionRecord).orElse(null);
    }

    @Override
    public List<SessionRecord> loadExistingSessions(List<SignalProtocolAddress> addresses) throws NoSessionException {
        List<SessionRecord> records = new ArrayList<>(addresses.size());
        for (SignalProtocolAddress address : addresses) {
            SessionRecord record = loadSession(address);
            if (record == null) {
                throw new NoSessionException(address, "no session with " + address);
            }
            records.add(record);
        }
        return records;
    }

    /** Device ids other than 1 with a session for account {@code name} (libsignal's meaning). */
    @Override
    public List<Integer> getSubDeviceSessions(String name) {
        return sessionDevices(name).stream().filter(d -> d != PRIMARY_DEVICE).toList();
    }

    /** Every device id with a stored session for account {@code name}, ascending. */
    public List<Integer> sessionDevices(String name) {
        Objects.requireNonNull(name, "name");
        return sessions.group(name.getBytes(StandardCharsets.UTF_8)).stream()
                .map(e -> address(e.key()).getDeviceId())
                .sorted()
                .toList();
    }

    @Override
    public void storeSession(SignalProtocolAddress address, SessionRecord record) {
        Objects.requireNonNull(record, "record");
        sessions.put(addressKey(address), address.getName().getBytes(StandardCharsets.UTF_8), record.serialize());
    }

    /** True if a session with a sending chain exists: one a message can be encrypted with now. */
    @Override
    public boolean containsSession(SignalProtocolAddress address) {
        SessionRecord record = loadSession(address);
        return record != null && record.hasSenderChain();
    }

    @Override
    public void deleteSession(SignalProtocolAddress address) {
        sessions.delete(addressKey(address));
    }

    @Override
    public void deleteAllSessions(String name) {
        Objects.requireNonNull(name, "name");
        sessions.deleteGroup(name.getBytes(StandardCharsets.UTF_8));
    }

    // ---- one-time prekeys

    @Override
    public PreKeyRecord loadPreKey(int preKeyId) throws InvalidKeyIdException {
        byte[] value = preKeys.get(idKey(preKeyId))
                .orElseThrow(() -> new InvalidKeyIdException("no prekey with id " + preKeyId));
        try {
            return new PreKeyRecord(value);
        } catch (InvalidMessageException e) {
            throw new StoreException("damaged prekey " + preKeyId + " in the profile store", e);
        }
    }

    @Override
    public void storePreKey(int preKeyId, PreKeyRecord record) {
        Objects.requireNonNull(record, "record");
        preKeys.put(idKey(preKeyId), record.serialize());
    }

    @Override
    public boolean containsPreKey(int preKeyId) {
        return preKeys.contains(idKey(preKeyId));
    }

    @Override
    public void removePreKey(int preKeyId) {
        preKeys.delete(idKey(preKeyId));
    }

    /** The ids of the one-time prekeys held, ascending. */
    public List<Integer> preKeyIds() {
        return ids(preKeys);
    }

    // ---- signed prekeys

    @Override
    public SignedPreKeyRecord loadSignedPreKey(int signedPreKeyId) throws InvalidKeyIdException {
        byte[] value = signedPreKeys
                .get(idKey(signedPreKeyId))
                .orElseThrow(() -> new InvalidKeyIdException("no signed prekey with id " + signedPreKeyId));
        return signedPreKey(value);
    }

    @Override
    public List<SignedPreKeyRecord> loadSignedPreKeys() {
        return signedPreKeys.entries().stream()
                .sorted(Comparator.comparingInt(e -> id(e.key())))
                .map(e -> signedPreKey(e.value()))
                .toList();
    }

    @Override
    public void storeSignedPreKey(int signedPreKeyId, SignedPreKeyRecord record) {
        Objects.requireNonNull(record, "record");
        signedPreKeys.put(idKey(signedPreKeyId), record.serialize());
    }

    @Override
    public boolean containsSignedPreKey(int signedPreKeyId) {
        return signedPreKeys.contains(idKey(signedPreKeyId));
    }

    @Override
    public void removeSignedPreKey(int signedPreKeyId) {
        signedPreKeys.delete(idKey(signedPreKeyId));
    }

    /** How many signed prekeys are held (the current one plus any kept after a rotation). */
    public int signedPreKeyCount() {
        return signedPreKeys.count();
    }

    /** The ids of the signed prekeys held, ascending. */
    public List<Integer> signedPreKeyIds() {
        return ids(signedPreKeys);
    }

    // ---- Kyber prekeys

    @Override
    public KyberPreKeyRecord loadKyberPreKey(int kyberPreKeyId) throws InvalidKeyIdException {
        byte[] value = kyberPreKeys
                .get(idKey(kyberPreKeyId))
                .orElseThrow(() -> new InvalidKeyIdException("no Kyber prekey with id " + kyberPreKeyId));
        return kyberPreKey(value);
    }

    /** Every Kyber prekey held, one-time and last-resort, by id. */
    @Override
    public List<KyberPreKeyRecord> loadKyberPreKeys() {
        return kyberPreKeys.entries().stream()
                .sorted(Comparator.comparingInt(e -> id(e.key())))
                .map(e -> kyberPreKey(e.value()))
                .toList();
    }

    /** Stores a one-time Kyber prekey: {@link #markKyberPreKeyUsed} deletes it. */
    @Override
    public void storeKyberPreKey(int kyberPreKeyId, KyberPreKeyRecord record) {
        storeKyber(kyberPreKeyId, record, false);
    }

    /** Stores a last-resort Kyber prekey: kept after use, until {@link #removeKyberPreKey}. */
    public void storeLastResortKyberPreKey(int kyberPreKeyId, KyberPreKeyRecord record) {
        storeKyber(kyberPreKeyId, record, true);
    }

    @Override
    public boolean containsKyberPreKey(int kyberPreKeyId) {
        return kyberPreKeys.contains(idKey(kyberPreKeyId));
    }

    /**
     * Called by libsignal when a first message used the Kyber prekey: a one-time key is deleted;
     * for a last-resort key the (signed prekey, base key) pair is remembered.
     *
     * @throws ReusedBaseKeyException if a last-resort key was already used with this base key
     *     and signed prekey: the message is a replay
     */
    @Override
    public void markKyberPreKeyUsed(int kyberPreKeyId, int signedPreKeyId, ECPublicKey baseKey)
            throws ReusedBaseKeyException {
        Objects.requireNonNull(baseKey, "baseKey");
        byte[] id = idKey(kyberPreKeyId);
        boolean replay = db.write(c -> {
            Optional<byte[]> value = kyberPreKeys.get(id);
            if (value.isEmpty()) {
                return false; // already used and deleted, or never ours: nothing to mark
            }
            if (!isLastResort(value.get())) {
                kyberPreKeys.delete(id);
                return false;
            }
            byte[] use = new RowCodec.Writer()
                    .i32(kyberPreKeyId)
                    .i32(signedPreKeyId)
                    .bytes(baseKey.serialize())
                    .toBytes();
            if (kyberBaseKeys.contains(use)) {
                return true;
            }
            kyberBaseKeys.put(use, id, new byte[0]);
            return false;
        });
        if (replay) {
            throw new ReusedBaseKeyException();
        }
    }

    /** Deletes a Kyber prekey (one-time or last-resort) and what was remembered of its uses. */
    public void removeKyberPreKey(int kyberPreKeyId) {
        byte[] id = idKey(kyberPreKeyId);
        db.write(c -> {
            kyberPreKeys.delete(id);
            kyberBaseKeys.deleteGroup(id);
            return null;
        });
    }

    /** The ids of every Kyber prekey held, one-time and last-resort, ascending. */
    public List<Integer> kyberPreKeyIds() {
        return ids(kyberPreKeys);
    }

    /** The ids of the one-time Kyber prekeys held, ascending. */
    public List<Integer> oneTimeKyberPreKeyIds() {
        return kyberIds(false);
    }

    /** The ids of the last-resort Kyber prekeys held, ascending. */
    public List<Integer> lastResortKyberPreKeyIds() {
        return kyberIds(true);
    }

    // ---- sender keys

    @Override
    public void storeSenderKey(SignalProtocolAddress sender, UUID distributionId, SenderKeyRecord record) {
        Objects.requireNonNull(record, "record");
        senderKeys.put(senderKey(sender, distributionId), uuidBytes(distributionId), record.serialize());
    }

    /** The sender key of {@code sender} in distribution {@code distributionId}, or {@code null} (libsignal's contract). */
    @Override
    public SenderKeyRecord loadSenderKey(SignalProtocolAddress sender, UUID distributionId) {
        return senderKeys
                .get(senderKey(sender, distributionId))
                .map(v -> {
                    try {
                        return new SenderKeyRecord(v);
                    } catch (InvalidMessageException e) {
                        throw new StoreException("damaged sender key in the profile store", e);
                    }
                })
                .orElse(null);
    }

    /** Forgets every sender key of distribution {@code distributionId} (a channel re-keyed); returns how many. */
    public int deleteSenderKeys(UUID distributionId) {
        Objects.requireNonNull(distributionId, "distributionId");
        return senderKeys.deleteGroup(uuidBytes(distributionId));
    }

    // ---- encodings

    private void storeKyber(int kyberPreKeyId, KyberPreKeyRecord record, boolean lastResort) {
        Objects.requireNonNull(record, "record");
        kyberPreKeys.put(
                idKey(kyberPreKeyId),
                new RowCodec.Writer().bool(lastResort).bytes(record.serialize()).toBytes());
    }

    private List<Integer> kyberIds(boolean lastResort) {
        return kyberPreKeys.entries().stream()
                .filter(e -> isLastResort(e.value()) == lastResort)
                .map(e -> id(e.key()))
                .sorted()
                .toList();
    }

    private static boolean isLastResort(byte[] value) {
        return new RowCodec.Reader(value, "Kyber prekey").bool();
    }

    private static KyberPreKeyRecord kyberPreKey(byte[] value) {
        RowCodec.Reader in = new RowCodec.Reader(value, "Kyber prekey");
        in.bool();
        byte[] record = in.bytes();
        in.end();
        try {
            return new KyberPreKeyRecord(record);
        } catch (InvalidMessageException e) {
            throw new StoreException("damaged Kyber prekey in the profile store", e);
        }
    }

    private static SignedPreKeyRecord signedPreKey(byte[] value) {
        try {
            return new SignedPreKeyRecord(value);
        } catch (InvalidMessageException e) {
            throw new StoreException("damaged signed prekey in the profile store", e);
        }
    }

    private static SessionRecord sessionRecord(byte[] value) {
        try {
            return new SessionRecord(value);
        } catch (InvalidMessageException e) {
            throw new StoreException("damaged session in the profile store", e);
        }
    }

    private static IdentityKey identityKey(byte[] value) {
        try {
            return new IdentityKey(value);
        } catch (InvalidKeyException e) {
            throw new StoreException("damaged identity key in the profile store", e);
        }
    }

    private static List<Integer> ids(SealedMap map) {
        return map.entries().stream().map(e -> id(e.key())).sorted().toList();
    }

    private static byte[] idKey(int id) {
        return new RowCodec.Writer().i32(id).toBytes();
    }

    private static int id(byte[] key) {
        RowCodec.Reader in = new RowCodec.Reader(key, "prekey id");
        int id = in.i32();
        in.end();
        return id;
    }

    private static byte[] addressKey(SignalProtocolAddress address) {
        Objects.requireNonNull(address, "address");
        return new RowCodec.Writer()
                .string(address.getName())
                .i32(address.getDeviceId())
                .toBytes();
    }

    private static SignalProtocolAddress address(byte[] key) {
        RowCodec.Reader in = new RowCodec.Reader(key, "protocol address");
        String name = in.string();
        int device = in.i32();
        in.end();
        return new SignalProtocolAddress(name, device);
    }

    private static byte[] senderKey(SignalProtocolAddress sender, UUID distributionId) {
        Objects.requireNonNull(distributionId, "distributionId");
        return new RowCodec.Writer()
                .bytes(addressKey(sender))
                .bytes(uuidBytes(distributionId))
                .toBytes();
    }

    private static byte[] uuidBytes(UUID uuid) {
        return ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array();
    }
}
