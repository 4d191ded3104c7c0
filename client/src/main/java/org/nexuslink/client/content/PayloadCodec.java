// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.MsgPackSettings;

/**
 * Encodes {@link Payload}s as MsgPack maps with integer keys (docs/client.md, "Payload"), the
 * plaintext clients encrypt. Decoding is strict about the fields it knows (type, presence) and
 * ignores keys it does not, so later clients can add fields. Stateless and thread-safe.
 */
public final class PayloadCodec {

    /** The payload format version. */
    public static final int VERSION = 1;

    static final int K_VERSION = 0;
    static final int K_KIND = 1;
    static final int K_SENT_AT = 2;
    static final int K_TEXT = 3;
    static final int K_REPLY_TO = 4;
    static final int K_TARGET = 5;
    static final int K_FILE = 6;
    static final int K_PEER = 7;
    static final int K_CHANNEL = 8;
    static final int K_DISTRIBUTION = 9;
    static final int K_CERTIFICATE = 10;
    static final int K_KT_HEAD = 11;

    private PayloadCodec() {}

    /** The payload's canonical bytes (keys ascending, absent fields omitted). */
    public static byte[] encode(Payload payload) {
        Map<Integer, Object> fields = new java.util.TreeMap<>();
        fields.put(K_VERSION, (long) VERSION);
        fields.put(K_KIND, (long) payload.content().kind());
        fields.put(K_SENT_AT, payload.sentAt().toEpochMilli());
        switch (payload.content()) {
            case Content.Text text -> {
                fields.put(K_TEXT, text.text());
                text.replyTo().ifPresent(r -> fields.put(K_REPLY_TO, r));
            }
            case Content.File file -> {
                file.caption().ifPresent(c -> fields.put(K_TEXT, c));
                file.replyTo().ifPresent(r -> fields.put(K_REPLY_TO, r));
                fields.put(K_FILE, file.descriptor().toByteArray());
            }
            case Content.Revoke revoke -> fields.put(K_TARGET, revoke.target());
            case Content.SenderKey senderKey -> {
                fields.put(K_CHANNEL, uuidBytes(senderKey.channel()));
                fields.put(K_DISTRIBUTION, senderKey.distribution().toByteArray());
            }
        }
        payload.channel().ifPresent(c -> fields.put(K_CHANNEL, uuidBytes(c)));
        payload.peer().ifPresent(p -> fields.put(K_PEER, p));
        payload.certificate().ifPresent(c -> fields.put(K_CERTIFICATE, c.toByteArray()));
        payload.keyLogHead().ifPresent(h -> fields.put(K_KT_HEAD, h.toByteArray()));
        try (MessageBufferPacker packer = MsgPackSettings.PACKER.newBufferPacker()) {
            packer.packMapHeader(fields.size());
            for (Map.Entry<Integer, Object> field : fields.entrySet()) {
                packer.packInt(field.getKey());
                switch (field.getValue()) {
                    case Long number -> packer.packLong(number);
                    case String string -> packer.packString(string);
                    case byte[] bytes -> packer.packBinaryHeader(bytes.length).writePayload(bytes);
                    default ->
                        throw new IllegalStateException(
                                "unexpected field type " + field.getValue().getClass());
                }
            }
            return packer.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing to memory failed", e);
        }
    }

    /**
     * Decodes a payload.
     *
     * @throws ContentException naming the field when the bytes are not a payload this version reads
     */
    public static Payload decode(byte[] encoded) throws ContentException {
        Map<Integer, Object> fields = new HashMap<>();
        try (MessageUnpacker unpacker = MsgPackSettings.UNPACKER.newUnpacker(encoded)) {
            if (!unpacker.hasNext() || unpacker.getNextFormat().getValueType() != ValueType.MAP) {
                throw new ContentException("payload: not a map");
            }
            int size = unpacker.unpackMapHeader();
            for (int i = 0; i < size; i++) {
                if (unpacker.getNextFormat().getValueType() != ValueType.INTEGER) {
                    throw new ContentException("payload: a key is not an integer");
                }
                long key = unpacker.unpackLong();
                ValueType type = unpacker.getNextFormat().getValueType();
                Object value = switch (type) {
                    case INTEGER -> unpacker.unpackLong();
                    case STRING -> unpacker.unpackString();
                    case BINARY -> unpacker.readPayload(unpacker.unpackBinaryHeader());
                    default -> {
                        unpacker.skipValue();
                        yield type;
                    }
                };
                if (key >= 0 && key <= K_KT_HEAD && fields.put((int) key, value) != null) {
                    throw new ContentException("payload: key " + key + " appears twice");
                }
            }
            if (unpacker.hasNext()) {
                throw new ContentException("payload: trailing bytes after the map");
            }
        } catch (IOException | org.msgpack.core.MessagePackException e) {
            throw new ContentException("payload: not well-formed MsgPack (" + e.getMessage() + ")", e);
        }
        long version = number(fields, K_VERSION, "v");
        if (version != VERSION) {
            throw new ContentException("payload.v: unsupported version " + version);
        }
        long kind = number(fields, K_KIND, "kind");
        long sentAt = number(fields, K_SENT_AT, "sent_at");
        if (sentAt < 0) {
            throw new ContentException("payload.sent_at: negative " + sentAt);
        }
        Optional<byte[]> channel = optional(fields, K_CHANNEL, byte[].class, "channel");
        Content content = switch ((int) kind) {
            case 1 ->
                new Content.Text(
                        required(fields, K_TEXT, String.class, "text"),
                        optional(fields, K_REPLY_TO, String.class, "reply_to"));
            case 3 ->
                new Content.File(
                        Bytes.of(required(fields, K_FILE, byte[].class, "file")),
                        optional(fields, K_TEXT, String.class, "text"),
                        optional(fields, K_REPLY_TO, String.class, "reply_to"));
            case 5 -> new Content.Revoke(required(fields, K_TARGET, String.class, "target"));
            case Content.SenderKey.KIND ->
                new Content.SenderKey(
                        uuid(channel.orElseThrow(() -> new ContentException("payload.channel: missing"))),
                        Bytes.of(required(fields, K_DISTRIBUTION, byte[].class, "distribution")));
            default -> throw new ContentException("payload.kind: unknown kind " + kind);
        };
        Optional<UUID> boundTo = content instanceof Content.SenderKey || channel.isEmpty()
                ? Optional.empty()
                : Optional.of(uuid(channel.get()));
        return new Payload(
                content,
                Instant.ofEpochMilli(sentAt),
                optional(fields, K_PEER, String.class, "peer"),
                optional(fields, K_CERTIFICATE, byte[].class, "certificate").map(Bytes::of),
                boundTo,
                optional(fields, K_KT_HEAD, byte[].class, "kt_head").map(Bytes::of));
    }

    private static long number(Map<Integer, Object> fields, int key, String name) throws ContentException {
        return required(fields, key, Long.class, name);
    }

    private static <T> T required(Map<Integer, Object> fields, int key, Class<T> type, String name)
            throws ContentException {
        return optional(fields, key, type, name)
                .orElseThrow(() -> new ContentException("payload." + name + ": missing"));
    }

    private static <T> Optional<T> optional(Map<Integer, Object> fields, int key, Class<T> type, String name)
            throws ContentException {
        Object value = fields.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!type.isInstance(value)) {
            throw new ContentException("payload." + name + ": expected "
                    + type.getSimpleName().toLowerCase().replace("[]", "s") + ", got "
                    + (value instanceof ValueType t ? t : value.getClass().getSimpleName()));
        }
        return Optional.of(type.cast(value));
    }

    static byte[] uuidBytes(UUID uuid) {
        return ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array();
    }

    private static UUID uuid(byte[] bytes) throws ContentException {
        if (bytes.length != 16) {
            throw new ContentException("payload.channel: expected 16 bytes, got " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong());
    }
}
