// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.pubsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.internal.wire.Bytes;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;

/**
 * A pubsub RPC (libp2p pubsub and gossipsub v1.1 specs): subscription changes (field 1),
 * messages (2) and gossipsub control (3: 1 IHAVE, 2 IWANT, 3 GRAFT, 4 PRUNE). The control
 * lists are flattened here. IDONTWANT (gossipsub v1.2) and PRUNE's peer exchange records are
 * read past and ignored.
 */
public record Rpc(
        List<Subscription> subscriptions,
        List<PubsubRecord> messages,
        List<IHave> ihave,
        List<Bytes> iwant,
        List<String> graft,
        List<Prune> prune) {

    public Rpc {
        subscriptions = List.copyOf(subscriptions);
        messages = List.copyOf(messages);
        ihave = List.copyOf(ihave);
        iwant = List.copyOf(iwant);
        graft = List.copyOf(graft);
        prune = List.copyOf(prune);
    }

    public record Subscription(boolean subscribe, String topic) {
        public Subscription {
            Objects.requireNonNull(topic);
        }
    }

    public record IHave(String topic, List<Bytes> messageIds) {
        public IHave {
            Objects.requireNonNull(topic);
            messageIds = List.copyOf(messageIds);
        }
    }

    /** @param backoffSeconds 0 when the peer gave none */
    public record Prune(String topic, long backoffSeconds) {
        public Prune {
            Objects.requireNonNull(topic);
        }
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty()
                && messages.isEmpty()
                && ihave.isEmpty()
                && iwant.isEmpty()
                && graft.isEmpty()
                && prune.isEmpty();
    }

    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter();
        for (Subscription s : subscriptions) {
            w.bytes(
                    1,
                    new ProtobufWriter()
                            .varint(1, s.subscribe() ? 1 : 0)
                            .string(2, s.topic())
                            .toByteArray());
        }
        for (PubsubRecord m : messages) {
            w.bytes(2, m.encoded().toByteArray());
        }
        if (!ihave.isEmpty() || !iwant.isEmpty() || !graft.isEmpty() || !prune.isEmpty()) {
            ProtobufWriter c = new ProtobufWriter();
            for (IHave h : ihave) {
                ProtobufWriter hw = new ProtobufWriter().string(1, h.topic());
                h.messageIds().forEach(id -> hw.bytes(2, id.toByteArray()));
                c.bytes(1, hw.toByteArray());
            }
            if (!iwant.isEmpty()) {
                ProtobufWriter ww = new ProtobufWriter();
                iwant.forEach(id -> ww.bytes(1, id.toByteArray()));
                c.bytes(2, ww.toByteArray());
            }
            graft.forEach(t -> c.bytes(3, new ProtobufWriter().string(1, t).toByteArray()));
            for (Prune p : prune) {
                ProtobufWriter pw = new ProtobufWriter().string(1, p.topic());
                if (p.backoffSeconds() > 0) {
                    pw.varint(3, p.backoffSeconds());
                }
                c.bytes(4, pw.toByteArray());
            }
            w.bytes(3, c.toByteArray());
        }
        return w.toByteArray();
    }

    /**
     * Decodes an RPC; messages are parsed but not validated.
     *
     * @throws MalformedDataException on any malformed part
     */
    public static Rpc decode(byte[] bytes) {
        List<Subscription> subs = new ArrayList<>();
        List<PubsubRecord> messages = new ArrayList<>();
        List<IHave> ihave = new ArrayList<>();
        List<Bytes> iwant = new ArrayList<>();
        List<String> graft = new ArrayList<>();
        List<Prune> prune = new ArrayList<>();
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.field()) {
                case 1 -> subs.add(subscription(r.bytes()));
                case 2 -> messages.add(PubsubRecord.decode(r.bytes()));
                case 3 -> control(r.bytes(), ihave, iwant, graft, prune);
                default -> {
                    // Fields of later pubsub versions.
                }
            }
        }
        return new Rpc(subs, messages, ihave, iwant, graft, prune);
    }

    private static Subscription subscription(byte[] bytes) {
        ProtobufReader r = new ProtobufReader(bytes);
        boolean subscribe = false;
        String topic = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> subscribe = r.varint() != 0;
                case 2 -> topic = r.string();
                default -> {
                    // Unknown subscription fields.
                }
            }
        }
        if (topic == null) {
            throw new MalformedDataException("subscription without a topic");
        }
        return new Subscription(subscribe, topic);
    }

    private static void control(
            byte[] bytes, List<IHave> ihave, List<Bytes> iwant, List<String> graft, List<Prune> prune) {
        ProtobufReader r = new ProtobufReader(bytes);
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    ProtobufReader h = new ProtobufReader(r.bytes());
                    String topic = "";
                    List<Bytes> ids = new ArrayList<>();
                    while (h.next()) {
                        if (h.field() == 1) {
                            topic = h.string();
                        } else if (h.field() == 2) {
                            ids.add(Bytes.of(h.bytes()));
                        }
                    }
                    ihave.add(new IHave(topic, ids));
                }
                case 2 -> {
                    ProtobufReader w = new ProtobufReader(r.bytes());
                    while (w.next()) {
                        if (w.field() == 1) {
                            iwant.add(Bytes.of(w.bytes()));
                        }
                    }
                }
                case 3 -> {
                    ProtobufReader g = new ProtobufReader(r.bytes());
                    String topic = null;
                    while (g.next()) {
                        if (g.field() == 1) {
                            topic = g.string();
                        }
                    }
                    if (topic == null) {
                        throw new MalformedDataException("GRAFT without a topic");
                    }
                    graft.add(topic);
                }
                case 4 -> {
                    ProtobufReader p = new ProtobufReader(r.bytes());
                    String topic = null;
                    long backoff = 0;
                    while (p.next()) {
                        if (p.field() == 1) {
                            topic = p.string();
                        } else if (p.field() == 3) {
                            backoff = p.varint();
                        }
                    }
                    if (topic == null) {
                        throw new MalformedDataException("PRUNE without a topic");
                    }
                    prune.add(new Prune(topic, Math.max(0, backoff)));
                }
                default -> {
                    // IDONTWANT (5) and later control messages.
                }
            }
        }
    }
}
