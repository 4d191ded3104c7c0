// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.content.ContentException;
import org.nexuslink.client.content.Payload;
import org.nexuslink.client.content.PayloadCodec;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.client.session.Received;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.SignalStore;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.DirectPush;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * Time per direct (1:1) message on the client: raw libsignal over its in-memory stores against
 * the client's own path over two encrypted profile stores (docs/benchmarks.md).
 *
 * <p>A session is set up once per trial (PQXDH, then a reply, so both sides are in the Double
 * Ratchet). Each operation then stays valid however often it runs: {@code encrypt} only moves
 * Alice's sending chain (Bob never needs to read those messages), {@code roundTrip} has Bob
 * decrypt each message right after Alice encrypts it, so every ciphertext is consumed exactly
 * once and in order, and {@code pingPong} sends one message each way, so every message also
 * takes a Diffie-Hellman ratchet step, as in a conversation. Decrypt alone is
 * {@code roundTrip - encrypt}.
 *
 * <p>The client's path is what {@link DirectMessenger} does per device copy of a message in the
 * ratchet: the payload is MsgPack-encoded ({@link PayloadCodec}; only prekey messages carry the
 * device certificate), then encrypted with a {@link SessionCipher} over {@link SignalStore} in a
 * savepoint inside one store transaction; on receipt
 * {@link DirectMessenger#open} (the client's own method) decrypts, decodes and verifies the
 * certificate against the session's identity key, inside one transaction as the client runs it
 * (the client also files the message in that transaction; that insert is not measured here).
 * {@code oursRoundTripWithoutCertificate} does the same without that check, to show its cost.
 *
 * <p>The {@code *Decrypt*} cases measure the receiving side alone: before each invocation Alice
 * encrypts {@link #BATCH} messages (not measured), then Bob decrypts them, raw over the in-memory
 * store, or with {@link DirectMessenger#open} either in one transaction per message (a message
 * that arrives alone) or all in one transaction, each in a savepoint, as the client takes
 * messages that reached it together (docs/client.md, "Receiving in batches"). Scores are per
 * message.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DirectMessageBenchmarks {
    /** The message size: a 200-byte text. */
    static final int PAYLOAD_BYTES = 200;
    /** Messages per invocation of the decrypt cases. */
    static final int BATCH = 32;
    /**
     * In the backlog cases, messages received per sync of the store: the most {@code NexusClient}
     * commits before it syncs, acknowledges and shows them, when its inbox does not empty.
     */
    static final int BACKLOG_SYNC_EVERY = 1024;

    /** Raw libsignal: two in-memory stores, a 200-byte plaintext. */
    @State(Scope.Thread)
    public static class Raw {
        SignalProtocolAddress alice;
        SignalProtocolAddress bob;
        SessionCipher aliceToBob;
        SessionCipher bobFromAlice;
        SessionCipher bobToAlice;
        SessionCipher aliceFromBob;
        byte[] plaintext;

        @Setup
        public void setUp() {
            BenchDevice a = BenchDevice.create();
            BenchDevice b = BenchDevice.create();
            alice = a.address();
            bob = b.address();
            InMemorySignalProtocolStore aliceStore =
                    new InMemorySignalProtocolStore(a.keys().asIdentityKeyPair(), 0);
            InMemorySignalProtocolStore bobStore =
                    new InMemorySignalProtocolStore(b.keys().asIdentityKeyPair(), 0);
            Handshake.run(aliceStore, alice, bobStore, bob);
            aliceToBob = new SessionCipher(aliceStore, bob);
            aliceFromBob = new SessionCipher(aliceStore, bob);
            bobToAlice = new SessionCipher(bobStore, alice);
            bobFromAlice = new SessionCipher(bobStore, alice);
            plaintext = new byte[PAYLOAD_BYTES];
            new Random(1).nextBytes(plaintext);
            try {
                byte[] opened = bobFromAlice.decrypt(
                        new SignalMessage(aliceToBob.encrypt(plaintext).serialize()));
                if (!Arrays.equals(opened, plaintext)) {
                    throw new IllegalStateException("raw libsignal did not decrypt to what was sent");
                }
            } catch (Exception e) {
                throw new IllegalStateException("the raw session does not work", e);
            }
        }
    }

    /** The client's path: two encrypted profile stores on {@code disk} or {@code tmpfs}, a 200-character text. */
    @State(Scope.Thread)
    public static class Ours {
        @Param({"disk", "tmpfs"})
        public String storage;

        ProfileStoreDir dir;
        LocalDevice alice;
        LocalDevice bob;
        ProfileStore aliceStore;
        ProfileStore bobStore;
        SignalStore aliceSignal;
        SignalStore bobSignal;
        DirectMessenger aliceMessenger;
        DirectMessenger bobMessenger;
        Payload aliceWrites;
        Payload bobWrites;
        Bytes messageId;
        Instant serverTime;
        long entry;

        @Setup
        public void setUp() {
            BenchDevice a = BenchDevice.create();
            BenchDevice b = BenchDevice.create();
            alice = a.local();
            bob = b.local();
            dir = new ProfileStoreDir(storage);
            aliceStore = dir.open(a, "alice");
            bobStore = dir.open(b, "bob");
            aliceSignal = aliceStore.signal();
            bobSignal = bobStore.signal();
            Handshake.run(aliceSignal, alice.address(), bobSignal, bob.address());
            Clock clock = Clock.systemUTC();
            aliceMessenger = new DirectMessenger(aliceStore, alice, clock);
            bobMessenger = new DirectMessenger(bobStore, bob, clock);
            String text = "x".repeat(PAYLOAD_BYTES);
            Instant now = Instant.now();
            aliceWrites = new Payload(
                    new Content.Text(text, Optional.empty()), now, Optional.of(bob.accountId()), Optional.empty());
            bobWrites = new Payload(
                    new Content.Text(text, Optional.empty()), now, Optional.of(alice.accountId()), Optional.empty());
            byte[] id = new byte[16];
            new Random(2).nextBytes(id);
            messageId = Bytes.of(id);
            serverTime = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            try {
                Received opened =
                        receive(bobStore, bobMessenger, push(alice, send(aliceStore, aliceWrites, bob.address())));
                if (!opened.payload().content().equals(aliceWrites.content())
                        || !opened.senderAccount().equals(alice.accountId())) {
                    throw new IllegalStateException("the client path did not decrypt to what was sent");
                }
            } catch (Exception e) {
                throw new IllegalStateException("the client session does not work", e);
            }
            System.out.println(
                    "direct plaintext: raw " + PAYLOAD_BYTES + " bytes, ours " + PayloadCodec.encode(aliceWrites).length
                            + " bytes (text + fields; no certificate in the ratchet)");
        }

        @TearDown
        public void tearDown() {
            dir.close();
        }

        /**
         * {@link DirectMessenger#send}'s per-message work for one device copy in the ratchet: encode,
         * encrypt in a savepoint (where the client checks that it made no prekey message, which
         * would need the certificate), in one store transaction (one commit per message).
         */
        static CiphertextMessage send(ProfileStore store, Payload payload, SignalProtocolAddress to) throws Exception {
            byte[] plaintext = PayloadCodec.encode(payload);
            CiphertextMessage message = store.inTransaction(
                    () -> store.inSavepoint(() -> new SessionCipher(store.signal(), to).encrypt(plaintext)));
            if (message.getType() != CiphertextMessage.WHISPER_TYPE) {
                throw new IllegalStateException("a measured message is of type " + message.getType());
            }
            return message;
        }

        /** What the client does with a push: {@link DirectMessenger#open} inside one store transaction. */
        static Received receive(ProfileStore store, DirectMessenger messenger, DirectPush push) throws Exception {
            return store.inTransaction(() -> messenger.open(push));
        }

        /** A push as the gateway delivers it. */
        DirectPush push(LocalDevice from, CiphertextMessage message) {
            return new DirectPush(
                    ++entry,
                    messageId,
                    from.accountId(),
                    from.deviceId(),
                    serverTime,
                    message.getType(),
                    Bytes.of(message.serialize()));
        }
    }

    @Benchmark
    public byte[] rawEncrypt(Raw s) throws Exception {
        return s.aliceToBob.encrypt(s.plaintext).serialize();
    }

    @Benchmark
    public byte[] rawRoundTrip(Raw s) throws Exception {
        byte[] wire = s.aliceToBob.encrypt(s.plaintext).serialize();
        return s.bobFromAlice.decrypt(new SignalMessage(wire));
    }

    @Benchmark
    public byte[] rawPingPong(Raw s) throws Exception {
        byte[] there = s.aliceToBob.encrypt(s.plaintext).serialize();
        s.bobFromAlice.decrypt(new SignalMessage(there));
        byte[] back = s.bobToAlice.encrypt(s.plaintext).serialize();
        return s.aliceFromBob.decrypt(new SignalMessage(back));
    }

    @Benchmark
    public byte[] oursEncrypt(Ours s) throws Exception {
        return Ours.send(s.aliceStore, s.aliceWrites, s.bob.address()).serialize();
    }

    /**
     * {@link DirectMessenger#sendAll}'s per-message work for {@link #BATCH} messages queued
     * together ({@code NexusClient.sendTextAsync}): one transaction with a savepoint per message and
     * one per copy, one commit before any ciphertext would leave.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] oursEncryptBatch(Ours s) throws Exception {
        ProfileStore store = s.aliceStore;
        SignalProtocolAddress to = s.bob.address();
        return store.inTransaction(() -> {
            byte[] last = null;
            for (int i = 0; i < BATCH; i++) {
                byte[] plaintext = PayloadCodec.encode(s.aliceWrites);
                CiphertextMessage message = store.inSavepoint(
                        () -> store.inSavepoint(() -> new SessionCipher(store.signal(), to).encrypt(plaintext)));
                last = message.serialize();
            }
            return last;
        });
    }

    @Benchmark
    public Received oursRoundTrip(Ours s) throws Exception {
        CiphertextMessage message = Ours.send(s.aliceStore, s.aliceWrites, s.bob.address());
        return Ours.receive(s.bobStore, s.bobMessenger, s.push(s.alice, message));
    }

    /** As {@link #oursRoundTrip} without the certificate check {@link DirectMessenger#open} makes: decrypt and decode only. */
    @Benchmark
    public Payload oursRoundTripWithoutCertificate(Ours s) throws Exception {
        CiphertextMessage message = Ours.send(s.aliceStore, s.aliceWrites, s.bob.address());
        SignalMessage received = new SignalMessage(message.serialize());
        byte[] plaintext =
                s.bobStore.inTransaction(() -> new SessionCipher(s.bobSignal, s.alice.address()).decrypt(received));
        return decode(plaintext);
    }

    @Benchmark
    public Received oursPingPong(Ours s) throws Exception {
        CiphertextMessage there = Ours.send(s.aliceStore, s.aliceWrites, s.bob.address());
        Ours.receive(s.bobStore, s.bobMessenger, s.push(s.alice, there));
        CiphertextMessage back = Ours.send(s.bobStore, s.bobWrites, s.alice.address());
        return Ours.receive(s.aliceStore, s.aliceMessenger, s.push(s.bob, back));
    }

    /**
     * Raw libsignal's receiving side: {@link #BATCH} messages from Alice, encrypted before each
     * invocation and held as the bytes that arrive (parsing them is part of receiving, as
     * serializing is part of {@link #rawEncrypt}).
     */
    @State(Scope.Thread)
    public static class RawInbox {
        Raw raw;
        final byte[][] messages = new byte[BATCH][];

        @Setup(Level.Trial)
        public void setUp() {
            raw = new Raw();
            raw.setUp();
        }

        @Setup(Level.Invocation)
        public void fill() throws Exception {
            for (int i = 0; i < BATCH; i++) {
                messages[i] = raw.aliceToBob.encrypt(raw.plaintext).serialize();
            }
        }
    }

    /** The client's receiving side: {@link #BATCH} pushes from Alice's profile, encrypted before each invocation. */
    @State(Scope.Thread)
    public static class OursInbox {
        @Param({"disk", "tmpfs"})
        public String storage;

        Ours ours;
        final DirectPush[] pushes = new DirectPush[BATCH];
        /** Backlog cases: messages committed since the last sync. */
        int unsynced;

        @Setup(Level.Trial)
        public void setUp() {
            ours = new Ours();
            ours.storage = storage;
            ours.setUp();
        }

        @Setup(Level.Invocation)
        public void fill() throws Exception {
            for (int i = 0; i < BATCH; i++) {
                pushes[i] = ours.push(ours.alice, Ours.send(ours.aliceStore, ours.aliceWrites, ours.bob.address()));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ours.tearDown();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] rawDecrypt(RawInbox s) throws Exception {
        byte[] last = null;
        for (byte[] message : s.messages) {
            last = s.raw.bobFromAlice.decrypt(new SignalMessage(message));
        }
        return last;
    }

    /** Each message opened in a transaction of its own: one commit per message. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Received oursDecrypt(OursInbox s) throws Exception {
        Received last = null;
        for (DirectPush push : s.pushes) {
            last = Ours.receive(s.ours.bobStore, s.ours.bobMessenger, push);
        }
        return last;
    }

    /** The messages opened together, as the client takes a batch: one commit, a savepoint each. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Received oursDecryptBatch(OursInbox s) throws Exception {
        ProfileStore store = s.ours.bobStore;
        return store.inTransaction(() -> {
            Received last = null;
            for (DirectPush push : s.pushes) {
                last = store.inSavepoint(() -> s.ours.bobMessenger.open(push));
            }
            return last;
        });
    }

    /**
     * The messages opened as the client takes a long backlog (its sync loop's {@code takeInbox}):
     * each batch in a transaction committed without waiting for the disk, and one sync for every
     * {@link #BACKLOG_SYNC_EVERY} messages, after which the client acknowledges them.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Received oursDecryptBacklog(OursInbox s) throws Exception {
        ProfileStore store = s.ours.bobStore;
        Received last = store.inTransactionSyncedLater(() -> {
            Received received = null;
            for (DirectPush push : s.pushes) {
                received = store.inSavepoint(() -> s.ours.bobMessenger.open(push));
            }
            return received;
        });
        s.unsynced = syncAfterBatch(store, s.unsynced);
        return last;
    }

    /**
     * The backlog cases' sync: counts a batch of {@link #BATCH} received into {@code unsynced}
     * and syncs the store once {@link #BACKLOG_SYNC_EVERY} are waiting; returns the new count.
     */
    static int syncAfterBatch(ProfileStore store, int unsynced) {
        int waiting = unsynced + BATCH;
        if (waiting < BACKLOG_SYNC_EVERY) {
            return waiting;
        }
        store.sync();
        return 0;
    }

    private static Payload decode(byte[] plaintext) throws ContentException {
        return PayloadCodec.decode(plaintext);
    }
}
