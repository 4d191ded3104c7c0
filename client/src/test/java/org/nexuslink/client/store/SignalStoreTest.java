// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.ReusedBaseKeyException;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.UntrustedIdentityException;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.IdentityKeyStore;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

class SignalStoreTest {
    @TempDir
    Path dir;

    /** Gives {@code owner} a signed prekey 1, one-time prekey 7, one-time Kyber prekey 9 and last-resort Kyber 10. */
    static PreKeyBundle publishKeys(ProfileStore owner, TestProfile profile) {
        SignalStore signal = owner.signal();
        var identity = signal.getIdentityKeyPair();
        ECKeyPair signed = ECKeyPair.generate();
        byte[] signedSig = identity.getPrivateKey()
                .calculateSignature(signed.getPublicKey().serialize());
        signal.storeSignedPreKey(1, new SignedPreKeyRecord(1, 1_000, signed, signedSig));
        ECKeyPair oneTime = ECKeyPair.generate();
        signal.storePreKey(7, new PreKeyRecord(7, oneTime));
        KEMKeyPair kyber = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        byte[] kyberSig =
                identity.getPrivateKey().calculateSignature(kyber.getPublicKey().serialize());
        signal.storeKyberPreKey(9, new KyberPreKeyRecord(9, 1_000, kyber, kyberSig));
        KEMKeyPair lastResort = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        signal.storeLastResortKyberPreKey(
                10,
                new KyberPreKeyRecord(
                        10,
                        1_000,
                        lastResort,
                        identity.getPrivateKey()
                                .calculateSignature(lastResort.getPublicKey().serialize())));
        return new PreKeyBundle(
                0,
                profile.deviceId(),
                7,
                oneTime.getPublicKey(),
                1,
                signed.getPublicKey(),
                signedSig,
                identity.getPublicKey(),
                9,
                kyber.getPublicKey(),
                kyberSig);
    }

    static byte[] roundTrip(
            ProfileStore from, TestProfile fromProfile, ProfileStore to, TestProfile toProfile, String text)
            throws Exception {
        CiphertextMessage sent = new SessionCipher(from.signal(), toProfile.address()).encrypt(text.getBytes(UTF_8));
        SessionCipher receiver = new SessionCipher(to.signal(), fromProfile.address());
        return sent.getType() == CiphertextMessage.PREKEY_TYPE
                ? receiver.decrypt(new PreKeySignalMessage(sent.serialize()))
                : receiver.decrypt(new SignalMessage(sent.serialize()));
    }

    @Test
    void a_pqxdh_session_between_two_stores_survives_reopening_both() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        ProfileStore aliceStore = alice.open();
        ProfileStore bobStore = bob.open();
        PreKeyBundle bundle = publishKeys(bobStore, bob);

        new SessionBuilder(aliceStore.signal(), bob.address()).process(bundle);
        CiphertextMessage first =
                new SessionCipher(aliceStore.signal(), bob.address()).encrypt("hello bob".getBytes(UTF_8));
        assertThat(first.getType()).isEqualTo(CiphertextMessage.PREKEY_TYPE);
        byte[] received = new SessionCipher(bobStore.signal(), alice.address())
                .decrypt(new PreKeySignalMessage(first.serialize()));
        assertThat(new String(received, UTF_8)).isEqualTo("hello bob");

        // the one-time keys are consumed, the last-resort Kyber key and the signed prekey stay
        assertThat(bobStore.signal().preKeyIds()).isEmpty();
        assertThat(bobStore.signal().kyberPreKeyIds()).containsExactly(10);
        assertThat(bobStore.signal().lastResortKyberPreKeyIds()).containsExactly(10);
        assertThat(bobStore.signal().signedPreKeyCount()).isEqualTo(1);
        assertThat(new SessionCipher(bobStore.signal(), alice.address()).getSessionVersion())
                .isEqualTo(4);

        assertThat(roundTrip(bobStore, bob, aliceStore, alice, "hi alice"))
                .asString(UTF_8)
                .isEqualTo("hi alice");
        assertThat(roundTrip(aliceStore, alice, bobStore, bob, "how are you"))
                .asString(UTF_8)
                .isEqualTo("how are you");

        aliceStore.close();
        bobStore.close();
        aliceStore = alice.open();
        bobStore = bob.open();

        assertThat(aliceStore.signal().containsSession(bob.address())).isTrue();
        assertThat(aliceStore.signal().sessionDevices(bob.accountId())).containsExactly(1);
        assertThat(aliceStore.signal().getSubDeviceSessions(bob.accountId())).isEmpty();
        for (int i = 0; i < 5; i++) {
            assertThat(roundTrip(aliceStore, alice, bobStore, bob, "after restart " + i))
                    .asString(UTF_8)
                    .isEqualTo("after restart " + i);
            assertThat(roundTrip(bobStore, bob, aliceStore, alice, "reply " + i))
                    .asString(UTF_8)
                    .isEqualTo("reply " + i);
        }
        aliceStore.close();
        bobStore.close();
    }

    @Test
    void threads_encrypting_to_one_device_inside_transactions_never_reuse_a_message_key() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        try (ProfileStore aliceStore = alice.open();
                ProfileStore bobStore = bob.open()) {
            new SessionBuilder(aliceStore.signal(), bob.address()).process(publishKeys(bobStore, bob));
            roundTrip(aliceStore, alice, bobStore, bob, "hello");
            roundTrip(bobStore, bob, aliceStore, alice, "hello back");
            java.util.List<byte[]> sent = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    SessionCipher cipher = new SessionCipher(aliceStore.signal(), bob.address());
                    for (int i = 0; i < 25; i++) {
                        String text = thread + "/" + i;
                        aliceStore.transaction(() -> {
                            try {
                                sent.add(cipher.encrypt(text.getBytes(UTF_8)).serialize());
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            pool.shutdown();

            SessionCipher receiver = new SessionCipher(bobStore.signal(), alice.address());
            java.util.Set<String> received = new java.util.HashSet<>();
            for (byte[] message : sent) {
                received.add(new String(receiver.decrypt(new SignalMessage(message)), UTF_8));
            }
            assertThat(received).hasSize(100).contains("0/0", "3/24");
        }
    }

    @Test
    void sender_keys_work_across_two_stores_and_survive_reopening() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        ProfileStore aliceStore = alice.open();
        ProfileStore bobStore = bob.open();
        UUID channel = UUID.randomUUID();

        SenderKeyDistributionMessage distribution =
                new GroupSessionBuilder(aliceStore.signal()).create(alice.address(), channel);
        new GroupSessionBuilder(bobStore.signal())
                .process(alice.address(), new SenderKeyDistributionMessage(distribution.serialize()));
        byte[] first = new GroupCipher(aliceStore.signal(), alice.address())
                .encrypt(channel, "to the channel".getBytes(UTF_8))
                .serialize();
        assertThat(new GroupCipher(bobStore.signal(), alice.address()).decrypt(first))
                .asString(UTF_8)
                .isEqualTo("to the channel");

        aliceStore.close();
        bobStore.close();
        aliceStore = alice.open();
        bobStore = bob.open();

        assertThat(aliceStore.signal().loadSenderKey(alice.address(), channel)).isNotNull();
        byte[] second = new GroupCipher(aliceStore.signal(), alice.address())
                .encrypt(channel, "still here".getBytes(UTF_8))
                .serialize();
        assertThat(new GroupCipher(bobStore.signal(), alice.address()).decrypt(second))
                .asString(UTF_8)
                .isEqualTo("still here");

        // re-keying the channel forgets its sender keys
        assertThat(bobStore.signal().deleteSenderKeys(channel)).isEqualTo(1);
        assertThat(bobStore.signal().loadSenderKey(alice.address(), channel)).isNull();
        aliceStore.close();
        bobStore.close();
    }

    @Test
    void a_changed_identity_is_untrusted_until_accepted() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        try (ProfileStore aliceStore = alice.open();
                ProfileStore bobStore = bob.open()) {
            SignalStore signal = aliceStore.signal();
            new SessionBuilder(signal, bob.address()).process(publishKeys(bobStore, bob));
            IdentityKey original = bobStore.signal().getIdentityKeyPair().getPublicKey();
            assertThat(signal.identity(bob.address())).contains(original);

            IdentityKey changed = new IdentityKey(ECKeyPair.generate().getPublicKey());
            assertThat(signal.isTrustedIdentity(bob.address(), original, IdentityKeyStore.Direction.SENDING))
                    .isTrue();
            assertThat(signal.isTrustedIdentity(bob.address(), changed, IdentityKeyStore.Direction.SENDING))
                    .isFalse();

            // Bob reinstalls: his new device key builds a bundle Alice's store refuses
            TestProfile bobAgain = new TestProfile(
                    bob.accountId(),
                    bob.deviceId(),
                    org.nexuslink.crypto.identity.DeviceKeyPair.generate(),
                    dir.resolve("bob-again.db"));
            try (ProfileStore reinstalled = bobAgain.open()) {
                PreKeyBundle newBundle = publishKeys(reinstalled, bobAgain);
                assertThatThrownBy(() -> new SessionBuilder(signal, bob.address()).process(newBundle))
                        .isInstanceOf(UntrustedIdentityException.class);
                assertThat(signal.identity(bob.address())).contains(original);

                IdentityKey newKey = reinstalled.signal().getIdentityKeyPair().getPublicKey();
                signal.trustIdentity(bob.address(), newKey);
                new SessionBuilder(signal, bob.address()).process(newBundle);
                assertThat(roundTrip(aliceStore, alice, reinstalled, bobAgain, "welcome back"))
                        .asString(UTF_8)
                        .isEqualTo("welcome back");
            }
        }
    }

    @Test
    void save_identity_reports_a_replaced_key_and_trust_is_per_device() {
        TestProfile alice = TestProfile.create(dir, "alice");
        try (ProfileStore store = alice.open()) {
            SignalStore signal = store.signal();
            SignalProtocolAddress device1 = new SignalProtocolAddress("nxl:bob", 1);
            SignalProtocolAddress device2 = new SignalProtocolAddress("nxl:bob", 2);
            IdentityKey k1 = new IdentityKey(ECKeyPair.generate().getPublicKey());
            IdentityKey k2 = new IdentityKey(ECKeyPair.generate().getPublicKey());

            assertThat(signal.saveIdentity(device1, k1)).isEqualTo(IdentityKeyStore.IdentityChange.NEW_OR_UNCHANGED);
            assertThat(signal.saveIdentity(device1, k1)).isEqualTo(IdentityKeyStore.IdentityChange.NEW_OR_UNCHANGED);
            assertThat(signal.saveIdentity(device2, k2)).isEqualTo(IdentityKeyStore.IdentityChange.NEW_OR_UNCHANGED);
            assertThat(signal.saveIdentity(device1, k2)).isEqualTo(IdentityKeyStore.IdentityChange.REPLACED_EXISTING);

            assertThat(signal.getIdentity(device1)).isEqualTo(k2);
            assertThat(signal.getIdentity(new SignalProtocolAddress("nxl:carol", 1)))
                    .isNull();
            assertThat(signal.identity(new SignalProtocolAddress("nxl:carol", 1)))
                    .isEmpty();
            assertThat(signal.getLocalRegistrationId()).isZero();
            assertThat(signal.getIdentityKeyPair().getPublicKey())
                    .isEqualTo(alice.device().asIdentityKeyPair().getPublicKey());
        }
    }

    @Test
    void prekeys_are_listed_loaded_and_removed() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        try (ProfileStore store = alice.open()) {
            SignalStore signal = store.signal();
            for (int id : new int[] {5, 3, 4}) {
                signal.storePreKey(id, new PreKeyRecord(id, ECKeyPair.generate()));
            }
            assertThat(signal.preKeyIds()).containsExactly(3, 4, 5);
            assertThat(signal.loadPreKey(4).getId()).isEqualTo(4);
            signal.removePreKey(4);
            assertThat(signal.containsPreKey(4)).isFalse();
            assertThatThrownBy(() -> signal.loadPreKey(4))
                    .isInstanceOf(InvalidKeyIdException.class)
                    .hasMessageContaining("4");

            publishKeys(store, alice);
            assertThat(signal.loadSignedPreKeys())
                    .extracting(SignedPreKeyRecord::getId)
                    .containsExactly(1);
            assertThat(signal.signedPreKeyIds()).containsExactly(1);
            signal.removeSignedPreKey(1);
            assertThat(signal.signedPreKeyCount()).isZero();

            assertThat(signal.loadKyberPreKeys())
                    .extracting(KyberPreKeyRecord::getId)
                    .containsExactly(9, 10);
            assertThat(signal.oneTimeKyberPreKeyIds()).containsExactly(9);
            signal.removeKyberPreKey(9);
            assertThat(signal.containsKyberPreKey(9)).isFalse();
            assertThatThrownBy(() -> signal.loadKyberPreKey(9)).isInstanceOf(InvalidKeyIdException.class);
        }
    }

    @Test
    void a_last_resort_kyber_key_refuses_the_same_base_key_twice() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        try (ProfileStore store = alice.open()) {
            SignalStore signal = store.signal();
            publishKeys(store, alice);
            var baseKey = ECKeyPair.generate().getPublicKey();

            signal.markKyberPreKeyUsed(10, 1, baseKey);
            assertThatThrownBy(() -> signal.markKyberPreKeyUsed(10, 1, baseKey))
                    .isInstanceOf(ReusedBaseKeyException.class);
            signal.markKyberPreKeyUsed(10, 1, ECKeyPair.generate().getPublicKey());
            assertThat(signal.containsKyberPreKey(10)).isTrue();

            signal.markKyberPreKeyUsed(9, 1, baseKey);
            assertThat(signal.containsKyberPreKey(9)).isFalse();
        }
    }

    @Test
    void sessions_are_listed_and_deleted_per_account() {
        TestProfile alice = TestProfile.create(dir, "alice");
        try (ProfileStore store = alice.open()) {
            SignalStore signal = store.signal();
            for (int device : new int[] {3, 1, 2}) {
                signal.storeSession(
                        new SignalProtocolAddress("nxl:bob", device),
                        new org.signal.libsignal.protocol.state.SessionRecord());
            }
            signal.storeSession(
                    new SignalProtocolAddress("nxl:carol", 1), new org.signal.libsignal.protocol.state.SessionRecord());

            assertThat(signal.sessionDevices("nxl:bob")).containsExactly(1, 2, 3);
            assertThat(signal.getSubDeviceSessions("nxl:bob")).containsExactly(2, 3);
            assertThat(signal.loadSession(new SignalProtocolAddress("nxl:bob", 9)))
                    .isNull();
            // an empty record has no sending chain: not a session to encrypt with
            assertThat(signal.containsSession(new SignalProtocolAddress("nxl:bob", 1)))
                    .isFalse();

            signal.deleteSession(new SignalProtocolAddress("nxl:bob", 2));
            assertThat(signal.sessionDevices("nxl:bob")).containsExactly(1, 3);
            signal.deleteAllSessions("nxl:bob");
            assertThat(signal.sessionDevices("nxl:bob")).isEmpty();
            assertThat(signal.sessionDevices("nxl:carol")).containsExactly(1);
            assertThatThrownBy(() ->
                            signal.loadExistingSessions(java.util.List.of(new SignalProtocolAddress("nxl:bob", 1))))
                    .isInstanceOf(org.signal.libsignal.protocol.NoSessionException.class);
        }
    }
}
