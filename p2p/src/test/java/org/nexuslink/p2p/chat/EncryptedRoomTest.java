// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nexuslink.p2p.NodeOptions;
import org.nexuslink.p2p.P2pNode;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.pubsub.Gossipsub;
import org.nexuslink.p2p.pubsub.GossipsubOptions;
import org.nexuslink.p2p.pubsub.PubsubMessage;

@Timeout(60)
class EncryptedRoomTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String ROOM = "lobby";
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A member: its device, router, room and what the room showed it. */
    record Member(
            TestDevice device,
            Gossipsub router,
            EncryptedRoom room,
            List<EncryptedRoom.Message> shown,
            List<String> unreadable) {}

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private Member member() throws Exception {
        TestDevice d = TestDevice.create(Instant.now());
        open.add(d);
        Gossipsub router = Gossipsub.start(d.node(), d.peerKey(), GossipsubOptions.defaults(), CLOCK);
        open.add(router);
        DirectMessages dm = d.start(CLOCK, (from, event, content) -> {});
        List<EncryptedRoom.Message> shown = new CopyOnWriteArrayList<>();
        List<String> unreadable = new CopyOnWriteArrayList<>();
        EncryptedRoom room = EncryptedRoom.join(router, dm, ROOM, CLOCK, new EncryptedRoom.Listener() {
            @Override
            public void message(EncryptedRoom.Message message) {
                shown.add(message);
            }

            @Override
            public void unreadable(PeerId author, String reason) {
                unreadable.add(author + " " + reason);
            }
        });
        return new Member(d, router, room, shown, unreadable);
    }

    private static void connect(Member a, Member b) throws Exception {
        a.room().shareKey(a.device().node().dial(b.device().address()));
        // The dial returns once a's side is up; b lists the connection a moment later.
        await(() -> b.device().node().connection(a.device().node().peerId()).isPresent(), "b's side of the connection");
        b.room()
                .shareKey(
                        b.device().node().connection(a.device().node().peerId()).orElseThrow());
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
    void three_members_read_each_others_messages_once_and_an_outsider_on_the_topic_reads_nothing() throws Exception {
        Member a = member();
        Member b = member();
        Member c = member();
        connect(a, b);
        connect(b, c);
        connect(a, c);
        // An outsider: a libp2p node on the same topic, connected to everyone, given no sender key.
        PeerKeyPair eveKey = PeerKeyPair.generate(new SecureRandom());
        P2pNode eve = P2pNode.start(NodeOptions.defaults(eveKey, List.of()));
        open.add(eve);
        Gossipsub eveRouter = Gossipsub.start(eve, eveKey, GossipsubOptions.defaults(), CLOCK);
        open.add(eveRouter);
        List<PubsubMessage> eveSaw = new CopyOnWriteArrayList<>();
        eveRouter.subscribe(a.room().topic(), eveSaw::add);
        for (Member m : List.of(a, b, c)) {
            eve.dial(m.device().address());
        }
        for (Member m : List.of(a, b, c)) {
            await(
                    () -> m.router().topicPeers(m.room().topic()).size() == 3,
                    "topic peers at " + m.device().node().peerId());
        }

        List<String> sent = new ArrayList<>();
        for (Member m : List.of(a, b, c)) {
            String text = "room note from "
                    + m.device().account().accountId().toString().substring(4, 14) + " 9d2f";
            sent.add(text);
            m.room().publish(text);
        }
        for (Member m : List.of(a, b, c)) {
            await(
                    () -> m.shown().size() >= 2,
                    "two messages at " + m.device().node().peerId());
        }
        await(() -> eveSaw.size() >= 3, "the outsider's copies");
        for (Member m : List.of(a, b, c)) {
            m.router().heartbeat();
        }
        for (Member m : List.of(a, b, c)) {
            assertThat(m.shown()).hasSize(2).doesNotHaveDuplicates();
            assertThat(m.shown())
                    .extracting(x -> x.from().account())
                    .doesNotContain(m.device().account().accountId());
            for (EncryptedRoom.Message x : m.shown()) {
                String expected =
                        "room note from " + x.from().account().toString().substring(4, 14) + " 9d2f";
                assertThat(x.text()).isEqualTo(expected);
                assertThat(x.sentAt())
                        .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
            }
            assertThat(m.unreadable()).isEmpty();
        }
        assertThat(eveSaw).hasSize(3);
        for (PubsubMessage copy : eveSaw) {
            for (String text : sent) {
                assertThat(DirectMessagesTest.contains(copy.data(), text.getBytes(StandardCharsets.UTF_8)))
                        .isFalse();
            }
        }
    }

    @Test
    void a_message_from_a_peer_that_gave_no_key_is_reported_unreadable() throws Exception {
        Member a = member();
        Member b = member();
        // Connected, but B never hands A its key (nor proves its account to A).
        a.device().node().dial(b.device().address());
        await(() -> b.router().topicPeers(b.room().topic()).size() == 1, "topic peer");
        b.room().publish("you cannot read this 51aa");
        await(() -> !a.unreadable().isEmpty(), "the unreadable report");
        assertThat(a.shown()).isEmpty();
        assertThat(a.unreadable().getFirst())
                .startsWith(b.device().node().peerId().toString());
    }
}
