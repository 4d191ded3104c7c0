// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.RefusedException;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.community.GatewayConnection;
import org.nexuslink.client.content.ContentException;
import org.nexuslink.client.content.Payload;
import org.nexuslink.client.content.PayloadCodec;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.SignalStore;
import org.nexuslink.client.transparency.KeyTransparencyChecks;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.DevicesApi;
import org.nexuslink.protocol.api.PrekeysApi;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.UntrustedIdentityException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * Direct messages end to end (docs/client.md): one libsignal (PQXDH + Double Ratchet) copy per
 * device of the recipient and per other device of the sender, sessions started from bundles whose
 * device certificate verifies against the account id, a resend after the server's
 * {@code stale_devices} answer, and on receipt a check that the sender's session key is the one
 * its account certified. Device keys the account's identity key revoked get no session and no
 * copy, and send nothing that is accepted; a device id that comes back with a new key the account
 * certified is taken, with a warning through {@link KeyChanges} (docs/client.md).
 *
 * <p>Not thread-safe: the client calls it from one thread at a time (libsignal sessions are
 * read-modify-write).
 */
public final class DirectMessenger {
    /** How many times a send is retried after the server said the device list was stale. */
    static final int STALE_RETRIES = 3;
    /** How many senders' addresses are kept. */
    private static final int KEPT_SENDERS = 1_024;

    private static final HexFormat HEX = HexFormat.of();

    private final ProfileStore store;
    /** Issue 21: no bundle is trusted before its keys are proven in the server's key log. */
    private final KeyTransparencyChecks transparency;

    private final SignalStore signal;
    private final LocalDevice me;
    private final Clock clock;
    private final DeviceDirectory directory;
    private final KnownAddresses senders = new KnownAddresses(KEPT_SENDERS);
    private final KeyChanges keyChanges;

    /**
     * Told when a known device id of an account shows up with another key, certified by the
     * account: the session continues with the new key, and the user should be warned (Signal's
     * "safety number changed").
     */
    @FunctionalInterface
    public interface KeyChanges {
        void keyChanged(String account, int device);

        KeyChanges NONE = (account, device) -> {};
    }

    /** This profile's key-transparency checks (what monitoring and gossip share with bundle fetches). */
    public KeyTransparencyChecks transparency() {
        return transparency;
    }

    public DirectMessenger(ProfileStore store, LocalDevice me, Clock clock) {
        this(store, me, clock, KeyChanges.NONE);
    }

    public DirectMessenger(ProfileStore store, LocalDevice me, Clock clock, KeyChanges keyChanges) {
        this(store, me, clock, keyChanges, KeyTransparencyChecks.Warnings.NONE);
    }

    /** @param transparencyWarnings told of every bundle refused by the key-transparency checks */
    public DirectMessenger(
            ProfileStore store,
            LocalDevice me,
            Clock clock,
            KeyChanges keyChanges,
            KeyTransparencyChecks.Warnings transparencyWarnings) {
        this.store = Objects.requireNonNull(store, "store");
        this.transparency = new KeyTransparencyChecks(store.settings(), transparencyWarnings);
        this.signal = store.signal();
        this.me = Objects.requireNonNull(me, "me");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keyChanges = Objects.requireNonNull(keyChanges, "keyChanges");
        this.directory = new DeviceDirectory(store.settings());
    }

    /**
     * Replaces what this client knows of its own account's other devices with the server's list
     * (which costs no prekeys, unlike bundles).
     */
    public void refreshOwnDevices(CommunityApi api, String token) throws IOException, InterruptedException {
        DevicesApi.DeviceList answer = api.devices(token);
        learnRevocations(me.account(), answer.revocations());
        Set<Integer> devices = new TreeSet<>();
        for (DevicesApi.DeviceView device : answer.devices()) {
            int id = device.deviceId();
            if (id != me.deviceId() && acceptListedDevice(me.account(), id, device.certificate())) {
                devices.add(id);
            }
        }
        for (int gone : directory.devices(me.accountId())) {
            if (!devices.contains(gone)) {
                signal.deleteSession(new SignalProtocolAddress(me.accountId(), gone));
            }
        }
        directory.replace(me.accountId(), devices);
    }

    /**
     * Encrypts a payload for every device of {@code recipient} and this account's other devices,
     * and queues it on the server.
     *
     * @param messageId 16 random bytes shared by all copies and any resend
     * @return the server's time for the message
     * @throws RefusedException when the server refuses for another reason than stale devices, or
     *     they are still stale after {@link #STALE_RETRIES} attempts
     * @throws UnreachableException when the recipient has no device this client can start a session with
     */
    public Instant send(Wire wire, String recipient, Bytes messageId, Payload payload)
            throws IOException, InterruptedException, UnreachableException {
        CompletableFuture<Instant> sent = sendAll(wire, List.of(new Outgoing(recipient, messageId, payload)))
                .getFirst();
        try {
            return sent.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UnreachableException unreachable) {
                throw unreachable;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(cause);
        }
    }

    /** A message for {@link #sendAll}: to whom, its id (shared by all copies) and what it says. */
    public record Outgoing(String recipient, Bytes messageId, Payload payload) {
        public Outgoing {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * Sends several messages for one commit: the copies of all of them are encrypted in one
     * transaction, each message in a savepoint of its own (one that cannot be encrypted is undone
     * alone), and that transaction is committed before any ciphertext leaves, so a crash can never
     * make the client reuse a message key. Their requests then go out together, in order, and the
     * answers are read in order. The messages the server refuses for stale devices are sent again
     * together once the device lists are repaired (once per distinct answer), up to
     * {@link #STALE_RETRIES} attempts in all.
     *
     * @return per message, in order, completed: the server's time for it, or why it failed
     * @throws RuntimeException when a transaction itself fails: its messages were not sent
     */
    public List<CompletableFuture<Instant>> sendAll(Wire wire, List<Outgoing> messages) throws InterruptedException {
        // Issue 21: every direct message shows its recipients the largest key-log head we verified.
        Optional<Bytes> head = transparency.gossipFor(wire.api());
        if (head.isPresent()) {
            messages = messages.stream()
                    .map(m -> new Outgoing(
                            m.recipient(), m.messageId(), m.payload().withKeyLogHead(head.get())))
                    .toList();
        }
        List<CompletableFuture<Instant>> results = new ArrayList<>(messages.size());
        messages.forEach(m -> results.add(new CompletableFuture<>()));
        sendAll(wire, messages, results, 1);
        return results;
    }

    private void sendAll(Wire wire, List<Outgoing> messages, List<CompletableFuture<Instant>> results, int attempt)
            throws InterruptedException {
        int n = messages.size();
        List<List<SignalProtocolAddress>> targets = new ArrayList<>(n);
        // Worked out once per recipient, whether it succeeds or not: each time loads every device's
        // session to check it, and may ask the server for bundles.
        Map<String, List<SignalProtocolAddress>> byRecipient = new HashMap<>();
        Map<String, Exception> unreachable = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String recipient = messages.get(i).recipient();
            if (!byRecipient.containsKey(recipient) && !unreachable.containsKey(recipient)) {
                try {
                    byRecipient.put(recipient, targets(wire, recipient));
                } catch (IOException | UnreachableException e) {
                    unreachable.put(recipient, e);
                }
            }
            List<SignalProtocolAddress> to = byRecipient.get(recipient);
            if (to == null) {
                results.get(i).completeExceptionally(unreachable.get(recipient));
            }
            targets.add(to);
        }
        List<List<DirectSend.Copy>> copies = store.inTransaction(() -> {
            List<List<DirectSend.Copy>> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                List<SignalProtocolAddress> to = targets.get(i);
                Plaintexts plaintexts = new Plaintexts(messages.get(i).payload());
                try {
                    all.add(to == null ? null : store.inSavepoint(() -> encryptAll(to, plaintexts)));
                } catch (IOException e) {
                    results.get(i).completeExceptionally(e);
                    all.add(null);
                }
            }
            return all;
        });
        List<CompletableFuture<Envelope>> replies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<DirectSend.Copy> mine = copies.get(i);
            if (mine != null && mine.isEmpty()) {
                results.get(i).complete(clock.instant()); // a note to self on a single-device account
            }
            replies.add(
                    mine == null || mine.isEmpty()
                            ? null
                            : wire.gateway()
                                    .requestAsync(
                                            Command.SEND_DIRECT,
                                            new DirectSend(messages.get(i).messageId(), mine)));
        }
        List<Integer> stale = new ArrayList<>();
        Set<String> repaired = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            if (replies.get(i) == null) {
                continue;
            }
            try {
                Ack ack = (Ack) GatewayConnection.await(Command.SEND_DIRECT, replies.get(i))
                        .body();
                results.get(i).complete(ack.time().orElse(clock.instant()));
            } catch (RefusedException e) {
                if (e.code() != ErrorCode.STALE_DEVICES || attempt >= STALE_RETRIES) {
                    results.get(i).completeExceptionally(e);
                    continue;
                }
                try {
                    // The messages after a stale one were encrypted for the same lists: repair once.
                    if (repaired.add(e.detail())) {
                        repairDevices(wire, e.detail());
                    }
                    stale.add(i);
                } catch (IOException repair) {
                    results.get(i).completeExceptionally(repair);
                }
            } catch (IOException e) {
                results.get(i).completeExceptionally(e);
            }
        }
        if (!stale.isEmpty()) {
            sendAll(
                    wire,
                    stale.stream().map(messages::get).toList(),
                    stale.stream().map(results::get).toList(),
                    attempt + 1);
        }
    }

    /** The devices a message to {@code recipient} goes to: theirs, then this account's others. */
    private List<SignalProtocolAddress> targets(Wire wire, String recipient)
            throws IOException, InterruptedException, UnreachableException {
        List<SignalProtocolAddress> targets = new ArrayList<>();
        if (!recipient.equals(me.accountId())) {
            if (directory.devices(recipient).isEmpty()) {
                fetchBundles(wire, recipient, Optional.empty());
            }
            targets.addAll(reachable(wire, recipient));
            if (targets.isEmpty()) {
                throw new UnreachableException(recipient + " has no device with a usable prekey bundle yet");
            }
        }
        targets.addAll(reachable(wire, me.accountId()));
        return targets;
    }

    private List<DirectSend.Copy> encryptAll(List<SignalProtocolAddress> targets, Plaintexts plaintexts)
            throws IOException {
        List<DirectSend.Copy> encrypted = new ArrayList<>(targets.size());
        for (SignalProtocolAddress target : targets) {
            encrypted.add(encrypt(target, plaintexts));
        }
        return encrypted;
    }

    /** The known devices of an account this client has (or can now start) a session with. */
    private List<SignalProtocolAddress> reachable(Wire wire, String account) throws IOException, InterruptedException {
        List<SignalProtocolAddress> reachable = new ArrayList<>();
        for (int device : directory.devices(account)) {
            SignalProtocolAddress address = new SignalProtocolAddress(account, device);
            if (!signal.containsSession(address)) {
                fetchBundles(wire, account, Optional.of(device));
            }
            if (signal.containsSession(address) && !isRevoked(address)) {
                reachable.add(address);
            }
        }
        return reachable;
    }

    /**
     * Whether the key this client holds for the address was revoked by its account. Checked on
     * every send, against every revocation this client ever verified: a server that stops serving
     * a revocation (or lists the device again) does not get a copy encrypted to a revoked key.
     */
    private boolean isRevoked(SignalProtocolAddress address) {
        Optional<IdentityKey> key = signal.identity(address);
        return key.isPresent()
                && directory.isRevoked(
                        address.getName(),
                        address.getDeviceId(),
                        key.get().getPublicKey().getPublicKeyBytes());
    }

    /**
     * Records the account's revocations that verify against its identity key, and drops the
     * session and directory entry of each device they revoke. One that does not verify says
     * nothing and is skipped (a server could as well have left it out).
     */
    public void learnRevocations(AccountId account, List<Bytes> revocations) {
        String name = account.toString();
        for (Bytes encoded : revocations) {
            DeviceRevocation revocation;
            try {
                revocation = DeviceRevocation.verify(encoded.toByteArray(), account);
            } catch (InvalidCertificateException | IllegalArgumentException e) {
                continue;
            }
            learn(name, revocation);
        }
    }

    /** Records a revocation this client verified (or signed itself). */
    public void learn(DeviceRevocation revocation) {
        learn(revocation.accountId().toString(), revocation);
    }

    private void learn(String account, DeviceRevocation revocation) {
        int device = revocation.deviceId().value();
        byte[] key = revocation.devicePublicKeyBytes();
        directory.revoke(account, device, key);
        SignalProtocolAddress address = new SignalProtocolAddress(account, device);
        if (isRevoked(address)) {
            forgetDevice(account, device);
        }
    }

    /**
     * Whether to write to a device of this account as the server lists it: not if its certificate
     * does not verify or names a revoked key. A listed key other than the one this client's session
     * runs with (the device was re-linked under its id) ends that session, so the next send
     * fetches the new key's bundle, and warns.
     */
    private boolean acceptListedDevice(AccountId account, int device, Bytes certificate) {
        if (certificate == null) {
            return true; // a server from before certificates were listed
        }
        DeviceCertificate c;
        try {
            c = DeviceCertificate.verify(certificate.toByteArray(), account, clock);
        } catch (InvalidCertificateException | IllegalArgumentException e) {
            return false; // a device the account does not vouch for is not written to
        }
        byte[] key = c.devicePublicKeyBytes();
        if (c.deviceId().value() != device || directory.isRevoked(account.toString(), device, key)) {
            return false;
        }
        SignalProtocolAddress address = new SignalProtocolAddress(account.toString(), device);
        if (signal.identity(address)
                .filter(known -> !java.util.Arrays.equals(known.getPublicKey().getPublicKeyBytes(), key))
                .isPresent()) {
            signal.deleteSession(address);
        }
        return true;
    }

    /**
     * Decrypts and authenticates a pushed direct message.
     *
     * @throws RejectedMessageException if it must not be shown (the caller still acknowledges it,
     *     so a message that can never be read does not come back forever)
     */
    public Received open(DirectPush push) throws RejectedMessageException {
        SignalProtocolAddress sender = senders.of(push.sender(), push.senderDevice());
        byte[] plaintext;
        boolean keyChanged = false;
        try {
            SessionCipher cipher = new SessionCipher(signal, sender);
            plaintext = switch (push.type()) {
                case CiphertextMessage.PREKEY_TYPE -> {
                    PreKeySignalMessage message =
                            new PreKeySignalMessage(push.ciphertext().toByteArray());
                    try {
                        yield cipher.decrypt(message);
                    } catch (UntrustedIdentityException e) {
                        // A known device id with a new key (re-linked, restored): not a reason to
                        // block the account. The new key is taken on trust only for this attempt;
                        // the certificate check below decides, and a refusal rolls the caller's
                        // savepoint back, the trust with it.
                        signal.trustIdentity(sender, message.getIdentityKey());
                        keyChanged = true;
                        yield cipher.decrypt(message);
                    }
                }
                case CiphertextMessage.WHISPER_TYPE ->
                    cipher.decrypt(new SignalMessage(push.ciphertext().toByteArray()));
                default ->
                    throw new RejectedMessageException(
                            "unknown ciphertext type " + push.type() + " from " + sender, false, null);
            };
        } catch (UntrustedIdentityException e) {
            throw new RejectedMessageException(
                    "the device key of " + sender + " changed without a new session; " + "not accepted", true, e);
        } catch (RejectedMessageException e) {
            throw e;
        } catch (Exception e) {
            throw new RejectedMessageException(
                    "cannot decrypt a message from " + sender + ": "
                            + e.getClass().getSimpleName(),
                    false,
                    e);
        }
        Payload payload;
        try {
            payload = PayloadCodec.decode(plaintext);
        } catch (ContentException e) {
            throw new RejectedMessageException(
                    "malformed message from " + sender + ": " + e.getMessage(), keyChanged, e);
        }
        if (push.type() == CiphertextMessage.PREKEY_TYPE) {
            // A prekey message is what (re)starts a session: check its key is the account's and
            // not revoked. Later messages ride the same session, whose identity key libsignal
            // pins, so checking the certificate once per session is enough (and saves most of a
            // receive's CPU); learning a revocation deletes the session, so a revoked device
            // cannot go on in an old one. It is also where a device we did not know of shows
            // itself; later messages come from a device already in the directory (and a wrong
            // removal is repaired by the server's stale_devices answer to our next send).
            requireCertified(sender, payload, keyChanged);
            if (isRevoked(sender)) {
                throw new RejectedMessageException(
                        "the device key of " + sender + " was revoked by its account", keyChanged, null);
            }
            directory.add(push.sender(), push.senderDevice());
        }
        if (keyChanged) {
            keyChanges.keyChanged(push.sender(), push.senderDevice());
        }
        payload.keyLogHead().ifPresent(h -> transparency.received(push.sender(), h));
        String peer = push.sender().equals(me.accountId()) ? payload.peer().orElse(me.accountId()) : push.sender();
        return new Received(
                "dm:" + peer,
                HEX.formatHex(push.messageId().toByteArray()),
                push.sender(),
                push.senderDevice(),
                push.time(),
                payload);
    }

    /**
     * Whether a revocation this profile verified (from a server, or signed here) covers this device
     * id and key of {@code account}: direct mode refuses such a peer as community mode does.
     */
    public boolean isRevoked(AccountId account, int device, byte[] deviceKey) {
        return directory.isRevoked(account.toString(), device, deviceKey);
    }

    /** Forgets a device of another account (it was removed); its session goes with it. */
    public void forgetDevice(String account, int device) {
        directory.remove(account, device);
        signal.deleteSession(new SignalProtocolAddress(account, device));
    }

    private Payload withCertificate(Payload payload) {
        return payload.withCertificate(Bytes.of(me.certificate().encoded()));
    }

    /**
     * Encrypts one device's copy. Only a prekey message, which starts a session (libsignal sends
     * them until the peer answers), carries the device certificate: the receiver checks it there
     * and nowhere else, and later messages save its 154 bytes. Whether libsignal makes a prekey
     * message shows only once it has encrypted, so a first try that is one is undone (in a
     * savepoint: its ciphertext never leaves, the session is as before) and the copy encrypted
     * again from the certified plaintext.
     */
    private DirectSend.Copy encrypt(SignalProtocolAddress to, Plaintexts plaintexts) throws IOException {
        SessionCipher cipher = new SessionCipher(signal, to);
        CiphertextMessage message;
        try {
            message = store.inSavepoint(() -> {
                CiphertextMessage first = encrypt(cipher, to, plaintexts.plain);
                if (first.getType() == CiphertextMessage.PREKEY_TYPE) {
                    throw new StartsSession();
                }
                return first;
            });
        } catch (StartsSession e) {
            message = encrypt(cipher, to, plaintexts.certified());
        }
        return new DirectSend.Copy(to.getName(), to.getDeviceId(), message.getType(), Bytes.of(message.serialize()));
    }

    private static CiphertextMessage encrypt(SessionCipher cipher, SignalProtocolAddress to, byte[] plaintext)
            throws IOException {
        try {
            return cipher.encrypt(plaintext);
        } catch (UntrustedIdentityException e) {
            throw new IOException("the device key of " + to + " changed; verify the contact before writing to it", e);
        } catch (org.signal.libsignal.protocol.NoSessionException e) {
            throw new IOException("no session with " + to, e);
        }
    }

    /** One message's plaintext without the certificate, and with it once a copy needs it. */
    private final class Plaintexts {
        private final Payload payload;
        private final byte[] plain;
        private byte[] certified;

        Plaintexts(Payload payload) {
            this.payload = payload;
            this.plain = PayloadCodec.encode(payload);
        }

        byte[] certified() {
            if (certified == null) {
                certified = PayloadCodec.encode(withCertificate(payload));
            }
            return certified;
        }
    }

    /** The first try at a copy made a prekey message: undo it and encrypt the certified plaintext. */
    private static final class StartsSession extends RuntimeException {
        StartsSession() {
            super(null, null, false, false);
        }
    }

    /**
     * The payload's certificate must be issued by the sending account, for the sending device, to
     * the key the session runs with: the server authenticated the sender's device, this proves the
     * key behind the ciphertext is the one the account certified.
     */
    private void requireCertified(SignalProtocolAddress sender, Payload payload, boolean keyChanged)
            throws RejectedMessageException {
        byte[] encoded = payload.certificate()
                .map(Bytes::toByteArray)
                .orElseThrow(() -> new RejectedMessageException(
                        "a message from " + sender + " carries no device certificate", keyChanged, null));
        try {
            DeviceCertificate certificate = DeviceCertificate.verify(encoded, AccountId.parse(sender.getName()), clock);
            IdentityKey sessionKey = signal.identity(sender)
                    .orElseThrow(() -> new RejectedMessageException("no identity recorded for " + sender, false, null));
            if (certificate.deviceId().value() != sender.getDeviceId()
                    || !java.util.Arrays.equals(
                            certificate.devicePublicKeyBytes(),
                            sessionKey.getPublicKey().getPublicKeyBytes())) {
                throw new RejectedMessageException(
                        "the certificate of " + sender + " is for another device or key", keyChanged, null);
            }
        } catch (InvalidCertificateException | InvalidAccountIdException e) {
            throw new RejectedMessageException(
                    "the certificate of " + sender + " does not verify: " + e.getMessage(), keyChanged, e);
        }
    }

    /** Reads {@code missing=a:1,b:2;extra=c:3} and fixes the device lists and sessions. */
    private void repairDevices(Wire wire, String detail) throws IOException, InterruptedException {
        for (String part : detail.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String which = part.substring(0, eq).trim();
            for (String item : part.substring(eq + 1).split(",")) {
                int colon = item.lastIndexOf(':');
                if (item.isBlank() || colon < 0) {
                    continue;
                }
                String account = item.substring(0, colon);
                int device = Integer.parseInt(item.substring(colon + 1));
                if (which.equals("missing")) {
                    fetchBundles(wire, account, Optional.of(device));
                } else if (which.equals("extra")) {
                    forgetDevice(account, device);
                }
            }
        }
    }

    /**
     * Fetches bundles (all devices, or one), checks each certificate against the account id and
     * starts a session with each device that has none. Devices without a bundle are skipped.
     */
    private void fetchBundles(Wire wire, String account, Optional<Integer> device)
            throws IOException, InterruptedException {
        transparency.checkGossip(wire.api());
        PrekeysApi.Bundles answer;
        try {
            answer = device.isPresent()
                    ? wire.api().prekeyBundles(account, device.get(), wire.token())
                    : wire.api().prekeyBundles(account, wire.token());
        } catch (RefusedException e) {
            if (e.code() == ErrorCode.PREKEYS_EXHAUSTED) {
                return;
            }
            throw e;
        }
        AccountId accountId;
        try {
            accountId = AccountId.parse(account);
        } catch (InvalidAccountIdException e) {
            throw new IOException("the server named an invalid account id " + account, e);
        }
        java.util.Set<Integer> notInLog = transparency.verifyBundle(wire.api(), accountId, answer);
        learnRevocations(accountId, answer.revocations());
        for (PrekeysApi.DeviceBundle bundle : answer.devices()) {
            int id = bundle.deviceId();
            SignalProtocolAddress address = new SignalProtocolAddress(account, id);
            try {
                if (bundle.certificate() == null
                        || bundle.deviceKey() == null
                        || bundle.signedPrekey() == null
                        || bundle.kyberPrekey() == null) {
                    throw new IOException("the bundle of " + address + " lacks a certificate, key or prekey");
                }
                DeviceCertificate certificate =
                        DeviceCertificate.verify(bundle.certificate().toByteArray(), accountId, clock);
                byte[] deviceKey = bundle.deviceKey().toByteArray();
                if (certificate.deviceId().value() != id
                        || !java.util.Arrays.equals(certificate.devicePublicKeyBytes(), deviceKey)) {
                    throw new IOException("the bundle of " + address + " does not match its certificate");
                }
                if (directory.isRevoked(account, id, deviceKey)) {
                    continue; // the server lists a device its account revoked: never written to
                }
                if (notInLog.contains(id)) {
                    continue; // its key is not (or no longer) in the key log: never written to
                }
                IdentityKey key = new IdentityKey(ECPublicKey.fromPublicKeyBytes(deviceKey));
                boolean keyChanged = signal.identity(address)
                        .filter(known -> !known.equals(key))
                        .isPresent();
                if (keyChanged) {
                    // Re-linked or restored under the same id, and certified by the account: start
                    // over with the new key and warn, rather than refuse every message to the account.
                    signal.deleteSession(address);
                    signal.trustIdentity(address, key);
                }
                new SessionBuilder(signal, address).process(preKeyBundle(bundle, deviceKey));
                directory.add(account, id);
                if (keyChanged) {
                    keyChanges.keyChanged(account, id);
                }
            } catch (InvalidCertificateException e) {
                throw new IOException("the certificate of " + address + " does not verify: " + e.getMessage(), e);
            } catch (UntrustedIdentityException e) {
                throw new IOException("the device key of " + address + " changed; verify the contact", e);
            } catch (InvalidKeyException | IllegalArgumentException e) {
                throw new IOException("the bundle of " + address + " is malformed: " + e.getMessage(), e);
            }
        }
    }

    private static PreKeyBundle preKeyBundle(PrekeysApi.DeviceBundle d, byte[] deviceKey) throws InvalidKeyException {
        PrekeysApi.SignedPrekeyView signed = d.signedPrekey();
        PrekeysApi.KyberPrekeyView kyber = d.kyberPrekey();
        Optional<PrekeysApi.PrekeyView> oneTime = d.oneTimePrekey();
        return new PreKeyBundle(
                0,
                d.deviceId(),
                oneTime.map(PrekeysApi.PrekeyView::keyId).orElse(PreKeyBundle.NULL_PRE_KEY_ID),
                oneTime.isPresent() ? new ECPublicKey(oneTime.get().publicKey().toByteArray()) : null,
                signed.keyId(),
                new ECPublicKey(signed.publicKey().toByteArray()),
                signed.signature().toByteArray(),
                new IdentityKey(ECPublicKey.fromPublicKeyBytes(deviceKey)),
                kyber.keyId(),
                new KEMPublicKey(kyber.publicKey().toByteArray()),
                kyber.signature().toByteArray());
    }

    /** The recipient cannot be reached yet (no bundle for any of its devices). */
    public static final class UnreachableException extends Exception {
        public UnreachableException(String message) {
            super(message);
        }
    }
}
