// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.p2p.Multiaddr;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.P2pStream;
import org.nexuslink.p2p.PeerBinding;
import org.nexuslink.p2p.PeerConnection;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.internal.chat.BundleCodec;
import org.nexuslink.p2p.internal.chat.Frames;
import org.nexuslink.p2p.internal.chat.Hello;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Kind;
import org.signal.libsignal.protocol.message.CiphertextMessage;

@Timeout(60)
class DirectMessagesTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** What a device received: who from, the event as it came, the decrypted text. */
    record Got(DirectPeer from, Event event, String text) {}

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private TestDevice device() throws Exception {
        TestDevice d = TestDevice.create(Instant.now());
        open.add(d);
        return d;
    }

    private static DirectMessages start(TestDevice d, List<Got> inbox) {
        return d.start(
                CLOCK,
                (from, event, content) -> inbox.add(
                        new Got(from, event, ((ChatContent.Text) ChatContent.decode(event.kind(), content)).text())));
    }

    private static List<DirectMessages.Outgoing> text(String text) {
        ChatContent content = new ChatContent.Text(text);
        return List.of(new DirectMessages.Outgoing(content.kind(), content.encode()));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void a_direct_message_and_its_reply_arrive_and_their_plaintext_is_absent_from_the_tcp_capture() throws Exception {
        TestDevice alice = device();
        TestDevice bob = device();
        List<Got> aliceInbox = new CopyOnWriteArrayList<>();
        List<Got> bobInbox = new CopyOnWriteArrayList<>();
        DirectMessages aliceDm = start(alice, aliceInbox);
        DirectMessages bobDm = start(bob, bobInbox);
        CapturingProxy proxy =
                new CapturingProxy(bob.node().listenAddresses().get(0).tcpSocketAddress());
        open.add(proxy);
        Multiaddr viaProxy = Multiaddr.tcp(new InetSocketAddress("127.0.0.1", proxy.port()))
                .withPeerId(bob.node().peerId());

        String first = "meet me at the old mill at 7, bring the ledger 4f9c2e";
        String reply = "agreed, the ledger and the lantern b71d03";
        String second = "one more thing: the blue door e5a811";
        PeerConnection toBob = alice.node().dial(viaProxy);
        DirectPeer bobSeen = aliceDm.send(toBob, Optional.of(bob.account().accountId()), text(first));
        assertThat(bobSeen.account()).isEqualTo(bob.account().accountId());
        assertThat(bobInbox).hasSize(1); // send returns once the receiver has handed the message on
        PeerConnection toAlice = bob.node().connection(alice.node().peerId()).orElseThrow();
        bobDm.send(toAlice, Optional.of(alice.account().accountId()), text(reply));
        aliceDm.send(toBob, Optional.empty(), text(second));

        assertThat(bobInbox).extracting(Got::text).containsExactly(first, second);
        assertThat(aliceInbox).extracting(Got::text).containsExactly(reply);
        assertThat(bobInbox.get(0).from().account()).isEqualTo(alice.account().accountId());
        assertThat(bobInbox.get(0).from().peerId()).isEqualTo(alice.node().peerId());
        assertThat(bobInbox.get(0).event().kind()).isEqualTo(Kind.TEXT);
        // The first message started the session (PQXDH); the rest ride the ratchet.
        assertThat(bobInbox.get(0).event().data().toByteArray()[0]).isEqualTo((byte) CiphertextMessage.PREKEY_TYPE);
        assertThat(bobInbox.get(1).event().data().toByteArray()[0]).isEqualTo((byte) CiphertextMessage.WHISPER_TYPE);
        // Even inside the Noise channel, the event carries only ciphertext.
        for (Got got : bobInbox) {
            assertThat(contains(got.event().data().toByteArray(), got.text().getBytes(StandardCharsets.UTF_8)))
                    .isFalse();
        }

        byte[] wire = proxy.captured();
        assertThat(contains(wire, "/noise".getBytes(StandardCharsets.US_ASCII)))
                .as("the capture saw the connection's cleartext negotiation")
                .isTrue();
        assertThat(wire.length).isGreaterThan(3000);
        for (String plaintext : List.of(first, reply, second)) {
            assertThat(contains(wire, plaintext.getBytes(StandardCharsets.UTF_8)))
                    .as(plaintext)
                    .isFalse();
            assertThat(contains(
                            wire, plaintext.substring(plaintext.length() - 6).getBytes(StandardCharsets.UTF_8)))
                    .as("a fragment of " + plaintext)
                    .isFalse();
        }
    }

    @Test
    void a_peer_presenting_another_peers_binding_is_refused_and_nothing_it_sends_is_delivered() throws Exception {
        TestDevice alice = device();
        TestDevice bob = device();
        List<Got> bobInbox = new CopyOnWriteArrayList<>();
        DirectMessages bobDm = start(bob, bobInbox);
        // Mallory captured Alice's binding (it travels inside Noise, but say it leaked) and replays it.
        byte[] stolen = PeerBinding.issue(
                        alice.deviceKey(), alice.certificate(), alice.node().peerId(), Instant.now())
                .encoded();
        try (P2pNode mallory =
                P2pNode.start(NodeOptions.defaults(PeerKeyPair.generate(new SecureRandom()), List.of()))) {
            P2pStream stream = mallory.dial(bob.address()).openStream(List.of(DirectMessages.PROTOCOL));
            Frames.write(
                    stream.output(),
                    new Hello(stolen, BundleCodec.encode(alice.prekeys().bundle())).encode());
            assertThat(Frames.read(stream.input(), 65536)).isPresent(); // bob's own hello
            assertThatThrownBy(() -> {
                        Frames.write(stream.output(), new byte[] {1, 2, 3});
                        stream.closeWrite();
                        while (Frames.read(stream.input(), 65536).isPresent()) {
                            // drain until bob resets
                        }
                        throw new IOException("bob reset the stream");
                    })
                    .isInstanceOf(IOException.class);
            assertThat(bobInbox).isEmpty();
            assertThat(bobDm.peer(mallory.peerId())).isEmpty();
            assertThat(bobDm.peer(alice.node().peerId())).isEmpty();
            assertThat(bobDm.peers()).isEmpty();
        }
    }

    @Test
    void a_bound_peer_sending_a_malformed_or_forged_event_gets_its_stream_reset_and_nothing_is_delivered()
            throws Exception {
        TestDevice carol = device();
        TestDevice bob = device();
        List<Got> bobInbox = new CopyOnWriteArrayList<>();
        start(bob, bobInbox);
        DirectMessages carolDm = start(carol, new CopyOnWriteArrayList<>());
        PeerConnection toBob = carol.node().dial(bob.address());
        byte[] hello = new Hello(
                        PeerBinding.issue(
                                        carol.deviceKey(),
                                        carol.certificate(),
                                        carol.node().peerId(),
                                        Instant.now())
                                .encoded(),
                        BundleCodec.encode(carol.prekeys().bundle()))
                .encode();
        // Not MsgPack; then an event whose data is no ciphertext of a session.
        Event forged = Event.of(
                DirectMessages.conversation(
                        carol.account().accountId(), bob.account().accountId()),
                Kind.TEXT,
                org.nexuslink.protocol.Bytes.of(new byte[] {2, 9, 9, 9, 9}));
        for (byte[] frame : List.of(
                new byte[] {(byte) 0xc1, 0, 0}, new org.nexuslink.protocol.EnvelopeCodec().encodeEvent(forged))) {
            P2pStream stream = toBob.openStream(List.of(DirectMessages.PROTOCOL));
            Frames.write(stream.output(), hello);
            assertThat(Frames.read(stream.input(), 65536)).isPresent();
            Frames.write(stream.output(), frame);
            stream.closeWrite();
            assertThatThrownBy(() -> {
                        while (Frames.read(stream.input(), 65536).isPresent()) {
                            // bob sends nothing more than its hello
                        }
                        stream.input().read();
                        throw new AssertionError("bob closed the stream as if it had delivered the event");
                    })
                    .isInstanceOf(IOException.class);
        }
        assertThat(bobInbox).isEmpty();
        // The connection and the peer are still good for real messages.
        carolDm.send(toBob, Optional.empty(), text("a real one"));
        assertThat(bobInbox).extracting(Got::text).containsExactly("a real one");
    }

    @Test
    void a_peer_that_opens_a_stream_and_goes_silent_loses_it_at_the_timeout() throws Exception {
        TestDevice bob = device();
        DirectMessages.start(
                bob.node(), bob.identity(), CLOCK, (from, event, content) -> {}, java.time.Duration.ofMillis(300));
        try (P2pNode idler = P2pNode.start(NodeOptions.defaults(PeerKeyPair.generate(new SecureRandom()), List.of()))) {
            P2pStream stream = idler.dial(bob.address()).openStream(List.of(DirectMessages.PROTOCOL));
            assertThat(Frames.read(stream.input(), 65536)).isPresent(); // bob's hello, then silence from us
            long started = System.nanoTime();
            assertThatThrownBy(() -> stream.input().read()).isInstanceOf(IOException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .isLessThan(10_000);
        }
    }

    @Test
    void a_message_for_an_account_the_peer_is_not_bound_to_is_not_sent() throws Exception {
        TestDevice alice = device();
        TestDevice bob = device();
        List<Got> bobInbox = new CopyOnWriteArrayList<>();
        DirectMessages aliceDm = start(alice, new CopyOnWriteArrayList<>());
        DirectMessages bobDm = start(bob, bobInbox);
        AccountIdentity carol = AccountIdentity.generate();
        PeerConnection toBob = alice.node().dial(bob.address());
        assertThatThrownBy(() -> aliceDm.send(toBob, Optional.of(carol.accountId()), text("for carol only")))
                .isInstanceOf(RefusedPeerException.class)
                .hasMessageContaining("is bound to " + bob.account().accountId());
        assertThat(bobInbox).isEmpty();
        assertThat(alice.store().containsSession(bobDm.identity().address())).isFalse();
    }

    @Test
    void a_second_device_of_the_same_account_gets_its_own_session() throws Exception {
        AccountIdentity bobAccount = AccountIdentity.generate();
        TestDevice alice = device();
        TestDevice bobPhone = TestDevice.create(bobAccount, 1, Instant.now());
        TestDevice bobLaptop = TestDevice.create(bobAccount, 2, Instant.now());
        open.add(bobPhone);
        open.add(bobLaptop);
        DirectMessages aliceDm = start(alice, new CopyOnWriteArrayList<>());
        List<Got> phone = new CopyOnWriteArrayList<>();
        List<Got> laptop = new CopyOnWriteArrayList<>();
        start(bobPhone, phone);
        start(bobLaptop, laptop);
        aliceDm.send(alice.node().dial(bobPhone.address()), Optional.of(bobAccount.accountId()), text("to the phone"));
        aliceDm.send(
                alice.node().dial(bobLaptop.address()), Optional.of(bobAccount.accountId()), text("to the laptop"));
        assertThat(phone).extracting(Got::text).containsExactly("to the phone");
        assertThat(laptop).extracting(Got::text).containsExactly("to the laptop");
        assertThat(aliceDm.peers()).extracting(DirectPeer::device).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void a_device_re_linked_under_its_id_with_a_key_its_account_certified_is_taken_with_a_warning() throws Exception {
        AccountIdentity bobAccount = AccountIdentity.generate();
        TestDevice alice = device();
        TestDevice oldBob = TestDevice.create(bobAccount, 1, Instant.now());
        open.add(oldBob);
        List<Got> aliceInbox = new CopyOnWriteArrayList<>();
        DirectMessages aliceDm = start(alice, aliceInbox);
        List<DirectPeer> changes = new CopyOnWriteArrayList<>();
        aliceDm.onKeyChange(changes::add);
        start(oldBob, new CopyOnWriteArrayList<>());
        aliceDm.send(
                alice.node().dial(oldBob.address()), Optional.of(bobAccount.accountId()), text("to the old phone"));
        assertThat(changes).isEmpty();

        // Bob restores on a new phone: same account, same device id 1, a new certified key.
        TestDevice newBob = TestDevice.create(bobAccount, 1, Instant.now());
        open.add(newBob);
        List<Got> newBobInbox = new CopyOnWriteArrayList<>();
        DirectMessages newBobDm = start(newBob, newBobInbox);
        // The new phone writes first: its prekey message carries the new certified key.
        newBobDm.send(
                newBob.node().dial(alice.address()),
                Optional.of(alice.account().accountId()),
                text("new phone, same bob"));
        assertThat(aliceInbox).extracting(Got::text).containsExactly("new phone, same bob");
        assertThat(changes).extracting(DirectPeer::device).containsExactly(1);
        assertThat(alice.store()
                        .getIdentity(newBobDm.identity().address())
                        .getPublicKey()
                        .getPublicKeyBytes())
                .isEqualTo(newBob.deviceKey().publicKeyBytes());
        // And alice's answer reaches the new phone in the new session.
        aliceDm.send(
                alice.node().connection(newBob.node().peerId()).orElseThrow(), Optional.empty(), text("welcome back"));
        assertThat(newBobInbox).extracting(Got::text).containsExactly("welcome back");
        assertThat(changes).hasSize(1);

        // Restored once more; this time alice writes first, from the new key's bundle.
        TestDevice newestBob = TestDevice.create(bobAccount, 1, Instant.now());
        open.add(newestBob);
        List<Got> newestInbox = new CopyOnWriteArrayList<>();
        start(newestBob, newestInbox);
        aliceDm.send(alice.node().dial(newestBob.address()), Optional.of(bobAccount.accountId()), text("again?"));
        assertThat(newestInbox).extracting(Got::text).containsExactly("again?");
        assertThat(changes).hasSize(2);
    }

    @Test
    void a_certified_new_key_whose_first_message_does_not_decrypt_leaves_the_old_key_in_place() throws Exception {
        AccountIdentity bobAccount = AccountIdentity.generate();
        TestDevice alice = device();
        TestDevice carol = device();
        TestDevice bob = TestDevice.create(bobAccount, 1, Instant.now());
        open.add(bob);
        List<Got> aliceInbox = new CopyOnWriteArrayList<>();
        DirectMessages aliceDm = start(alice, aliceInbox);
        List<DirectPeer> changes = new CopyOnWriteArrayList<>();
        aliceDm.onKeyChange(changes::add);
        start(bob, new CopyOnWriteArrayList<>());
        aliceDm.send(alice.node().dial(bob.address()), Optional.empty(), text("hi bob"));
        // Bob's restored phone (a certified new key) starts a session with carol; that prekey
        // message, replayed to alice by the phone itself, cannot decrypt with alice's prekeys.
        TestDevice newBob = TestDevice.create(bobAccount, 1, Instant.now());
        open.add(newBob);
        DirectMessages newBobDm = start(newBob, new CopyOnWriteArrayList<>());
        List<Got> carolInbox = new CopyOnWriteArrayList<>();
        start(carol, carolInbox);
        newBobDm.send(newBob.node().dial(carol.address()), Optional.empty(), text("for carol"));
        Event forCarol = carolInbox.getFirst().event();
        assertThat(forCarol.data().toByteArray()[0]).isEqualTo((byte) CiphertextMessage.PREKEY_TYPE);
        P2pStream stream = newBob.node().dial(alice.address()).openStream(List.of(DirectMessages.PROTOCOL));
        Frames.write(
                stream.output(),
                new Hello(
                                PeerBinding.issue(
                                                newBob.deviceKey(),
                                                newBob.certificate(),
                                                newBob.node().peerId(),
                                                Instant.now())
                                        .encoded(),
                                BundleCodec.encode(newBob.prekeys().bundle()))
                        .encode());
        assertThat(Frames.read(stream.input(), 65536)).isPresent();
        Frames.write(stream.output(), new org.nexuslink.protocol.EnvelopeCodec().encodeEvent(forCarol));
        stream.closeWrite();
        assertThatThrownBy(() -> {
                    while (Frames.read(stream.input(), 65536).isPresent()) {
                        // nothing more comes from alice
                    }
                    stream.input().read();
                    throw new AssertionError("alice took an undecryptable message");
                })
                .isInstanceOf(IOException.class);
        assertThat(aliceInbox).extracting(Got::text).isEmpty();
        assertThat(changes).isEmpty();
        assertThat(alice.store()
                        .getIdentity(new org.signal.libsignal.protocol.SignalProtocolAddress(
                                bobAccount.accountId().toString(), 1))
                        .getPublicKey()
                        .getPublicKeyBytes())
                .isEqualTo(bob.deviceKey().publicKeyBytes());
    }

    @Test
    void a_peer_whose_device_its_account_revoked_is_refused_and_nothing_it_sends_is_delivered() throws Exception {
        TestDevice alice = device();
        TestDevice bob = device();
        org.nexuslink.crypto.identity.DeviceRevocation revoked =
                alice.account().revoke(alice.certificate(), Instant.now());
        List<Got> bobInbox = new CopyOnWriteArrayList<>();
        DirectMessages bobDm = DirectMessages.start(
                bob.node(),
                new DirectIdentity(bob.deviceKey(), bob.certificate(), bob.store(), bob.prekeys(), revoked::covers),
                CLOCK,
                (from, event, content) -> bobInbox.add(null));
        DirectMessages aliceDm = start(alice, new CopyOnWriteArrayList<>());
        assertThatThrownBy(() -> aliceDm.send(alice.node().dial(bob.address()), Optional.empty(), text("still me")))
                .isInstanceOf(IOException.class);
        assertThat(bobInbox).isEmpty();
        assertThat(bobDm.peer(alice.node().peerId())).isEmpty();
        assertThat(bob.store().containsSession(aliceDm.identity().address())).isFalse();
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
