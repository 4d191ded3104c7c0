// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import java.io.IOException;
import java.util.Objects;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Kind;

/**
 * The plaintext inside direct-mode events, MsgPack maps with integer keys as seed 001 gives them:
 * kind 1 (text) is {@code {0: text}}; kind {@link #SENDER_KEY} is {@code {0: topic, 1: Sender Key
 * distribution message}}. Unknown keys are ignored, as everywhere in the protocol.
 */
public sealed interface ChatContent {
    /** Kind 16: a Sender Key for a room, only ever inside an end-to-end encrypted direct message. */
    Kind SENDER_KEY = Kind.SENDER_KEY;
    /** Longest text, in characters (UTF-16 units, as Java counts them). */
    int MAX_TEXT = 64 * 1024;

    record Text(String text) implements ChatContent {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    record SenderKey(String topic, Bytes distribution) implements ChatContent {
        public SenderKey {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(distribution, "distribution");
        }
    }

    default Kind kind() {
        return switch (this) {
            case Text t -> Kind.TEXT;
            case SenderKey k -> SENDER_KEY;
        };
    }

    default byte[] encode() {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            switch (this) {
                case Text t -> p.packMapHeader(1).packInt(0).packString(t.text());
                case SenderKey k -> {
                    byte[] d = k.distribution().toByteArray();
                    p.packMapHeader(2)
                            .packInt(0)
                            .packString(k.topic())
                            .packInt(1)
                            .packBinaryHeader(d.length)
                            .writePayload(d);
                }
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("packing into memory cannot fail", e);
        }
    }

    /**
     * Decodes the content of an event of {@code kind}.
     *
     * @throws MalformedDataException if it is not the map that kind needs
     */
    static ChatContent decode(Kind kind, byte[] content) {
        String text = null;
        byte[] distribution = null;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(content)) {
            if (!u.hasNext() || u.getNextFormat().getValueType() != ValueType.MAP) {
                throw new MalformedDataException("content is not a map");
            }
            int n = u.unpackMapHeader();
            for (int i = 0; i < n; i++) {
                if (u.getNextFormat().getValueType() != ValueType.INTEGER) {
                    throw new MalformedDataException("content keys are integers");
                }
                int key = u.unpackInt();
                ValueType type = u.getNextFormat().getValueType();
                if (key == 0 && type == ValueType.STRING) {
                    text = u.unpackString();
                } else if (key == 1 && type == ValueType.BINARY) {
                    distribution = u.readPayload(u.unpackBinaryHeader());
                } else if (key == 0 || key == 1) {
                    throw new MalformedDataException("content key " + key + " has the wrong type " + type);
                } else {
                    u.skipValue();
                }
            }
            if (u.hasNext()) {
                throw new MalformedDataException("bytes after the content map");
            }
        } catch (IOException | org.msgpack.core.MessagePackException e) {
            throw new MalformedDataException("content is not MsgPack: " + e.getMessage(), e);
        }
        if (text == null) {
            throw new MalformedDataException("content lacks key 0");
        }
        if (kind.equals(SENDER_KEY)) {
            if (distribution == null) {
                throw new MalformedDataException("a sender key lacks key 1");
            }
            return new SenderKey(text, Bytes.of(distribution));
        }
        if (kind.equals(Kind.TEXT)) {
            if (text.length() > MAX_TEXT) {
                throw new MalformedDataException("text longer than " + MAX_TEXT);
            }
            return new Text(text);
        }
        throw new MalformedDataException("direct mode carries no content of kind " + kind);
    }
}
