// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.util.concurrent.TimeUnit;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.SignalStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.IdentityKeyStore;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * The store calls libsignal makes per 1:1 message, one at a time, so the difference between
 * {@link DirectMessageBenchmarks}' raw and client figures can be attributed: loading the
 * session, checking the peer's identity, saving the session (encrypt makes one save, decrypt a
 * save and an identity save), on the in-memory store and on the profile store.
 * Each call runs alone, so each write is its own transaction; the client runs all of one
 * message's calls in one transaction, so a message pays one commit. {@code emptyTransaction}
 * (nothing written) and {@code settingsPut} (one small sealed value, committed) show what a
 * commit costs by itself.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class StoreOperationBenchmarks {
    /** A session in the Double Ratchet, in the store under test, and the peer's identity. */
    abstract static class Session {
        SignalProtocolStore store;
        SignalProtocolAddress peer;
        IdentityKey peerIdentity;
        SessionRecord record;

        void start(SignalProtocolStore mine, BenchDevice me, BenchDevice other) {
            store = mine;
            peer = other.address();
            peerIdentity = new IdentityKey(other.keys().publicKey());
            SignalProtocolStore theirs =
                    new InMemorySignalProtocolStore(other.keys().asIdentityKeyPair(), 0);
            Handshake.run(mine, me.address(), theirs, peer);
            record = mine.loadSession(peer);
            System.out.println("session record: " + record.serialize().length + " bytes");
        }
    }

    /** libsignal's in-memory store. */
    @State(Scope.Thread)
    public static class InMemory extends Session {
        @Setup
        public void setUp() {
            BenchDevice me = BenchDevice.create();
            start(new InMemorySignalProtocolStore(me.keys().asIdentityKeyPair(), 0), me, BenchDevice.create());
        }
    }

    /** The client's profile store on {@code disk} or {@code tmpfs}. */
    @State(Scope.Thread)
    public static class Profile extends Session {
        @Param({"disk", "tmpfs"})
        public String storage;

        ProfileStoreDir dir;
        ProfileStore profile;
        byte[] small = {1};

        @Setup
        public void setUp() {
            BenchDevice me = BenchDevice.create();
            dir = new ProfileStoreDir(storage);
            profile = dir.open(me, "me");
            start(profile.signal(), me, BenchDevice.create());
        }

        @TearDown
        public void tearDown() {
            dir.close();
        }
    }

    @Benchmark
    public SessionRecord rawLoadSession(InMemory s) {
        return s.store.loadSession(s.peer);
    }

    @Benchmark
    public SessionRecord rawStoreSession(InMemory s) {
        s.store.storeSession(s.peer, s.record);
        return s.record;
    }

    @Benchmark
    public boolean rawIsTrustedIdentity(InMemory s) {
        return s.store.isTrustedIdentity(s.peer, s.peerIdentity, IdentityKeyStore.Direction.SENDING);
    }

    @Benchmark
    public IdentityKeyStore.IdentityChange rawSaveIdentity(InMemory s) {
        return s.store.saveIdentity(s.peer, s.peerIdentity);
    }

    @Benchmark
    public SessionRecord oursLoadSession(Profile s) {
        return s.store.loadSession(s.peer);
    }

    @Benchmark
    public SessionRecord oursStoreSession(Profile s) {
        s.store.storeSession(s.peer, s.record);
        return s.record;
    }

    @Benchmark
    public boolean oursIsTrustedIdentity(Profile s) {
        return s.store.isTrustedIdentity(s.peer, s.peerIdentity, IdentityKeyStore.Direction.SENDING);
    }

    /** An unchanged identity, as on every decrypt: {@link SignalStore#saveIdentity} still opens a write transaction. */
    @Benchmark
    public IdentityKeyStore.IdentityChange oursSaveIdentity(Profile s) {
        return s.store.saveIdentity(s.peer, s.peerIdentity);
    }

    /** BEGIN IMMEDIATE and COMMIT around nothing: what a transaction costs when it writes no page. */
    @Benchmark
    public Object oursEmptyTransaction(Profile s) {
        return s.profile.inTransaction(() -> null);
    }

    @Benchmark
    public byte[] oursSettingsPut(Profile s) {
        s.profile.settings().put("bench", s.small);
        return s.small;
    }
}
