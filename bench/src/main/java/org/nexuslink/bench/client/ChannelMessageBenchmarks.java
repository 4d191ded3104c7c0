// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.content.Payload;
import org.nexuslink.client.content.PayloadCodec;
import org.nexuslink.client.session.ChannelMessenger;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.client.session.Received;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.SignalStore;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Extensions;
import org.nexuslink.protocol.Flags;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.RawValue;
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
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * Time per channel message on the client (Sender Keys): raw libsignal's group cipher over its
 * in-memory stores against the client's own path over two encrypted profile stores
 * (docs/benchmarks.md).
 *
 * <p>Alice's sender key for one distribution id is given to Bob once per trial. {@code encrypt}
 * only moves Alice's sender chain; {@code roundTrip} has Bob decrypt each message right after it
 * is made, so each is read once and in order. Decrypt alone is {@code roundTrip - encrypt}.
 *
 * <p>The client's path is {@link ChannelMessenger}'s per-message work: the payload is
 * MsgPack-encoded and encrypted with a {@link GroupCipher} over the profile store's
 * {@link SignalStore} (one commit: the sender key's save); on receipt
 * {@link ChannelMessenger#open} (the client's own method) reads the author from the event,
 * decrypts, decodes and checks the kind, inside one store transaction as the client runs it.
 *
 * <p>The {@code *Decrypt*} cases measure the receiving side alone, as in
 * {@link DirectMessageBenchmarks}: {@value DirectMessageBenchmarks#BATCH} messages encrypted
 * before each invocation (not measured), then decrypted raw, or opened one transaction each, or
 * all in one transaction with a savepoint each. Scores are per message.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ChannelMessageBenchmarks {
    /** Raw libsignal: two in-memory stores, a 200-byte plaintext. */
    @State(Scope.Thread)
    public static class Raw {
        UUID distribution;
        GroupCipher aliceSends;
        GroupCipher bobReads;
        byte[] plaintext;

        @Setup
        public void setUp() throws Exception {
            BenchDevice a = BenchDevice.create();
            BenchDevice b = BenchDevice.create();
            InMemorySignalProtocolStore aliceStore =
                    new InMemorySignalProtocolStore(a.keys().asIdentityKeyPair(), 0);
            InMemorySignalProtocolStore bobStore =
                    new InMemorySignalProtocolStore(b.keys().asIdentityKeyPair(), 0);
            distribution = UUID.randomUUID();
            shareSenderKey(aliceStore, a.address(), bobStore, distribution);
            aliceSends = new GroupCipher(aliceStore, a.address());
            bobReads = new GroupCipher(bobStore, a.address());
            plaintext = new byte[DirectMessageBenchmarks.PAYLOAD_BYTES];
            new Random(1).nextBytes(plaintext);
            if (!Arrays.equals(
                    bobReads.decrypt(aliceSends.encrypt(distribution, plaintext).serialize()), plaintext)) {
                throw new IllegalStateException("raw libsignal did not decrypt to what was sent");
            }
        }
    }

    /** The client's path: two encrypted profile stores on {@code disk} or {@code tmpfs}, a 200-character text. */
    @State(Scope.Thread)
    public static class Ours {
        @Param({"disk", "tmpfs"})
        public String storage;

        ProfileStoreDir dir;
        ProfileStore aliceStore;
        ProfileStore bobStore;
        LocalDevice alice;
        SignalStore aliceSignal;
        ChannelMessenger bobChannels;
        UUID distribution;
        ConversationId channel;
        Extensions author;
        Payload payload;
        Instant serverTime;
        long mid;

        @Setup
        public void setUp() throws Exception {
            BenchDevice a = BenchDevice.create();
            BenchDevice b = BenchDevice.create();
            alice = a.local();
            dir = new ProfileStoreDir(storage);
            aliceStore = dir.open(a, "alice");
            bobStore = dir.open(b, "bob");
            aliceSignal = aliceStore.signal();
            distribution = UUID.randomUUID();
            shareSenderKey(aliceSignal, alice.address(), bobStore.signal(), distribution);
            Clock clock = Clock.systemUTC();
            bobChannels =
                    new ChannelMessenger(bobStore, b.local(), new DirectMessenger(bobStore, b.local(), clock), clock);
            UUID channelId = UUID.randomUUID();
            channel = ConversationId.of(channelId);
            author = Extensions.EMPTY
                    .with(Extensions.AUTHOR, RawValue.ofString(alice.accountId()))
                    .with(Extensions.AUTHOR_DEVICE, RawValue.ofUnsigned(alice.deviceId()));
            Instant now = Instant.now();
            payload = Payload.of(
                            new Content.Text("x".repeat(DirectMessageBenchmarks.PAYLOAD_BYTES), Optional.empty()), now)
                    .inChannel(channelId); // as ChannelMessenger.sendAll binds it: readers refuse it unbound
            serverTime = now.truncatedTo(ChronoUnit.SECONDS);
            Optional<Received> opened = receive(event(send()));
            if (opened.isEmpty() || !opened.get().payload().content().equals(payload.content())) {
                throw new IllegalStateException("the client path did not decrypt to what was sent");
            }
            System.out.println("channel plaintext: raw " + DirectMessageBenchmarks.PAYLOAD_BYTES + " bytes, ours "
                    + PayloadCodec.encode(payload).length + " bytes");
        }

        @TearDown
        public void tearDown() {
            dir.close();
        }

        /** {@link ChannelMessenger}'s per-message work on the sending side. */
        byte[] send() throws Exception {
            return new GroupCipher(aliceSignal, alice.address())
                    .encrypt(distribution, PayloadCodec.encode(payload))
                    .serialize();
        }

        /**
         * {@link ChannelMessenger#sendAll}'s per-message work for {@code count} events queued
         * together: one transaction, a savepoint each, one commit.
         */
        byte[] sendBatch(int count) throws Exception {
            return aliceStore.inTransaction(() -> {
                byte[] last = null;
                for (int i = 0; i < count; i++) {
                    byte[] plaintext = PayloadCodec.encode(payload);
                    last = aliceStore.inSavepoint(() -> new GroupCipher(aliceSignal, alice.address())
                            .encrypt(distribution, plaintext)
                            .serialize());
                }
                return last;
            });
        }

        /** What the client does with a channel event: {@link ChannelMessenger#open} inside one store transaction. */
        Optional<Received> receive(Event event) throws Exception {
            return bobStore.inTransaction(() -> bobChannels.open(event));
        }

        /** The stored event as the server hands it to Bob. */
        Event event(byte[] ciphertext) {
            return new Event(
                    channel,
                    Kind.TEXT,
                    Optional.of(new MessageId(++mid)),
                    Optional.of(serverTime),
                    Flags.NONE,
                    List.of(),
                    Bytes.of(ciphertext),
                    Optional.empty(),
                    author);
        }
    }

    @Benchmark
    public byte[] rawEncrypt(Raw s) throws Exception {
        return s.aliceSends.encrypt(s.distribution, s.plaintext).serialize();
    }

    @Benchmark
    public byte[] rawRoundTrip(Raw s) throws Exception {
        return s.bobReads.decrypt(
                s.aliceSends.encrypt(s.distribution, s.plaintext).serialize());
    }

    @Benchmark
    public byte[] oursEncrypt(Ours s) throws Exception {
        return s.send();
    }

    /** Events queued together ({@code NexusClient.sendTextAsync}): one commit for the batch. */
    @Benchmark
    @OperationsPerInvocation(DirectMessageBenchmarks.BATCH)
    public byte[] oursEncryptBatch(Ours s) throws Exception {
        return s.sendBatch(DirectMessageBenchmarks.BATCH);
    }

    @Benchmark
    public Optional<Received> oursRoundTrip(Ours s) throws Exception {
        return s.receive(s.event(s.send()));
    }

    /** Raw libsignal's receiving side: a batch of Alice's channel messages, encrypted before each invocation. */
    @State(Scope.Thread)
    public static class RawInbox {
        Raw raw;
        final byte[][] messages = new byte[DirectMessageBenchmarks.BATCH][];

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            raw = new Raw();
            raw.setUp();
        }

        @Setup(Level.Invocation)
        public void fill() throws Exception {
            for (int i = 0; i < messages.length; i++) {
                messages[i] =
                        raw.aliceSends.encrypt(raw.distribution, raw.plaintext).serialize();
            }
        }
    }

    /** The client's receiving side: a batch of channel events from Alice's profile, encrypted before each invocation. */
    @State(Scope.Thread)
    public static class OursInbox {
        @Param({"disk", "tmpfs"})
        public String storage;

        Ours ours;
        final Event[] events = new Event[DirectMessageBenchmarks.BATCH];
        /** Backlog cases: messages committed since the last sync. */
        int unsynced;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            ours = new Ours();
            ours.storage = storage;
            ours.setUp();
        }

        @Setup(Level.Invocation)
        public void fill() throws Exception {
            for (int i = 0; i < events.length; i++) {
                events[i] = ours.event(ours.send());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ours.tearDown();
        }
    }

    @Benchmark
    @OperationsPerInvocation(DirectMessageBenchmarks.BATCH)
    public byte[] rawDecrypt(RawInbox s) throws Exception {
        byte[] last = null;
        for (byte[] message : s.messages) {
            last = s.raw.bobReads.decrypt(message);
        }
        return last;
    }

    /** Each event opened in a transaction of its own: one commit per message. */
    @Benchmark
    @OperationsPerInvocation(DirectMessageBenchmarks.BATCH)
    public Optional<Received> oursDecrypt(OursInbox s) throws Exception {
        Optional<Received> last = Optional.empty();
        for (Event event : s.events) {
            last = s.ours.receive(event);
        }
        return last;
    }

    /** The events opened together, as the client takes a batch: one commit, a savepoint each. */
    @Benchmark
    @OperationsPerInvocation(DirectMessageBenchmarks.BATCH)
    public Optional<Received> oursDecryptBatch(OursInbox s) throws Exception {
        ProfileStore store = s.ours.bobStore;
        return store.inTransaction(() -> {
            Optional<Received> last = Optional.empty();
            for (Event event : s.events) {
                last = store.inSavepoint(() -> s.ours.bobChannels.open(event));
            }
            return last;
        });
    }

    /**
     * The events opened as the client takes a long backlog: each batch committed without waiting
     * for the disk, one sync for every {@link DirectMessageBenchmarks#BACKLOG_SYNC_EVERY}
     * messages (see {@link DirectMessageBenchmarks#oursDecryptBacklog}).
     */
    @Benchmark
    @OperationsPerInvocation(DirectMessageBenchmarks.BATCH)
    public Optional<Received> oursDecryptBacklog(OursInbox s) throws Exception {
        ProfileStore store = s.ours.bobStore;
        Optional<Received> last = store.inTransactionSyncedLater(() -> {
            Optional<Received> received = Optional.empty();
            for (Event event : s.events) {
                received = store.inSavepoint(() -> s.ours.bobChannels.open(event));
            }
            return received;
        });
        s.unsynced = DirectMessageBenchmarks.syncAfterBatch(store, s.unsynced);
        return last;
    }

    /** Alice creates her sender key and Bob takes it, as it travels over their 1:1 session. */
    static void shareSenderKey(
            SignalProtocolStore alice, SignalProtocolAddress aliceAddress, SignalProtocolStore bob, UUID distribution)
            throws Exception {
        SenderKeyDistributionMessage key = new GroupSessionBuilder(alice).create(aliceAddress, distribution);
        new GroupSessionBuilder(bob).process(aliceAddress, new SenderKeyDistributionMessage(key.serialize()));
    }
}
