// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.pubsub;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.nexuslink.p2p.PeerId;

/**
 * A validated message delivered to a subscriber: its author (whose signature was checked),
 * topic, data and id, and the neighbour it arrived from.
 */
public final class PubsubMessage {
    private final PeerId author;
    private final String topic;
    private final byte[] data;
    private final byte[] id;
    private final PeerId receivedFrom;

    PubsubMessage(PeerId author, String topic, byte[] data, byte[] id, PeerId receivedFrom) {
        this.author = author;
        this.topic = topic;
        this.data = data.clone();
        this.id = id.clone();
        this.receivedFrom = receivedFrom;
    }

    /** The peer that signed the message. */
    public PeerId author() {
        return author;
    }

    public String topic() {
        return topic;
    }

    public byte[] data() {
        return data.clone();
    }

    /** The message id (author key protobuf followed by seqno). */
    public byte[] id() {
        return id.clone();
    }

    /** The neighbour that forwarded it to us. */
    public PeerId receivedFrom() {
        return receivedFrom;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PubsubMessage m && Arrays.equals(m.id, id) && m.topic.equals(topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(id));
    }

    @Override
    public String toString() {
        return "PubsubMessage[" + topic + " from " + author + " id "
                + HexFormat.of().formatHex(id) + "]";
    }
}
