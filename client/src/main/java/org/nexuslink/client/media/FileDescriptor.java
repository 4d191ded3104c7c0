// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import org.nexuslink.client.media.AttachmentException.Reason;
import org.nexuslink.protocol.MsgPackSettings;

/**
 * What a file message (kind 3, seed 001 §5.2) carries so a recipient can fetch and open the
 * file: the server's media id, the original name, size and MIME type, both digests and the
 * attachment key. It travels only inside the end-to-end encrypted {@code data} of the event,
 * never in the clear; {@link #toString()} hides the key, the name and the plaintext digest.
 *
 * <p>Encoded as a MsgPack map with integer keys (docs/client.md, "Files"): {@code 0} media id,
 * {@code 1} name, {@code 2} size, {@code 3} MIME, {@code 4} SHA-256 of the encrypted blob,
 * {@code 5} reserved (seed 001's url, never written), {@code 6} key (64 bytes), {@code 7}
 * SHA-256 of the plaintext. Unknown keys are skipped, as everywhere in the protocol.
 *
 * @param mediaId          the server's id of the encrypted blob (a lowercase UUID)
 * @param name             the file's name as the sender had it (1 to 1024 UTF-8 bytes); never
 *                         used as a path as is, see {@link SafeFileName}
 * @param size             plaintext length in bytes
 * @param mime             media type, e.g. {@code image/jpeg} (1 to 255 printable ASCII characters)
 * @param ciphertextSha256 SHA-256 of the whole blob (32 bytes)
 * @param plaintextSha256  SHA-256 of the file (32 bytes)
 * @param key              the attachment's AES and MAC keys
 */
public record FileDescriptor(
        String mediaId,
        String name,
        long size,
        String mime,
        byte[] ciphertextSha256,
        byte[] plaintextSha256,
        AttachmentKey key) {
    /** Longest name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 1024;
    /** Longest MIME type, in characters. */
    public static final int MAX_MIME_LENGTH = 255;
    /** Longest encoding {@link #decode} reads. */
    public static final int MAX_ENCODED_LENGTH = 4096;
    /** The largest plaintext size whose blob length still fits a long. */
    public static final long MAX_SIZE = Long.MAX_VALUE - 64;

    private static final int MEDIA_ID = 0;
    private static final int NAME = 1;
    private static final int SIZE = 2;
    private static final int MIME = 3;
    private static final int CIPHERTEXT_SHA256 = 4;
    private static final int KEY = 6;
    private static final int PLAINTEXT_SHA256 = 7;
    private static final int MAX_ENTRIES = 64;
    private static final int MAX_KEY = 65535;

    /**
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public FileDescriptor {
        MediaIdFormat.require(mediaId);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mime, "mime");
        Objects.requireNonNull(ciphertextSha256, "ciphertextSha256");
        Objects.requireNonNull(plaintextSha256, "plaintextSha256");
        Objects.requireNonNull(key, "key");
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes == 0 || nameBytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "name must have 1 to " + MAX_NAME_BYTES + " UTF-8 bytes, got " + nameBytes);
        }
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be 0 to " + MAX_SIZE + ", got " + size);
        }
        if (mime.isEmpty() || mime.length() > MAX_MIME_LENGTH || !mime.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("mime must be 1 to " + MAX_MIME_LENGTH
                    + " printable ASCII characters without spaces, got '" + MediaIdFormat.printable(mime) + "'");
        }
        if (ciphertextSha256.length != AttachmentCipher.DIGEST_LENGTH) {
            throw new IllegalArgumentException("ciphertextSha256 must have 32 bytes, got " + ciphertextSha256.length);
        }
        if (plaintextSha256.length != AttachmentCipher.DIGEST_LENGTH) {
            throw new IllegalArgumentException("plaintextSha256 must have 32 bytes, got " + plaintextSha256.length);
        }
        ciphertextSha256 = ciphertextSha256.clone();
        plaintextSha256 = plaintextSha256.clone();
    }

    @Override
    public byte[] ciphertextSha256() {
        return ciphertextSha256.clone();
    }

    @Override
    public byte[] plaintextSha256() {
        return plaintextSha256.clone();
    }

    /** The length of the encrypted blob on the server. */
    public long ciphertextSize() {
        return AttachmentCipher.ciphertextSize(size);
    }

    /** The MsgPack encoding, keys in ascending order. */
    public byte[] encode() {
        try (MessageBufferPacker packer = MsgPackSettings.PACKER.newBufferPacker()) {
            packer.packMapHeader(7);
            packer.packInt(MEDIA_ID).packString(mediaId);
            packer.packInt(NAME).packString(name);
            packer.packInt(SIZE).packLong(size);
            packer.packInt(MIME).packString(mime);
            packer.packInt(CIPHERTEXT_SHA256)
                    .packBinaryHeader(ciphertextSha256.length)
                    .writePayload(ciphertextSha256);
            byte[] encodedKey = key.encoded();
            packer.packInt(KEY).packBinaryHeader(encodedKey.length).writePayload(encodedKey);
            packer.packInt(PLAINTEXT_SHA256)
                    .packBinaryHeader(plaintextSha256.length)
                    .writePayload(plaintextSha256);
            return packer.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("packing into memory failed", e);
        }
    }

    /**
     * Reads an encoding strictly: one map, integer keys, each known key once with its type and
     * range, every required key present, nothing after the map.
     *
     * @throws AttachmentException ({@link Reason#MALFORMED_DESCRIPTOR}) naming what is wrong
     */
    public static FileDescriptor decode(byte[] encoded) throws AttachmentException {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length > MAX_ENCODED_LENGTH) {
            throw malformed("encoding has " + encoded.length + " bytes, more than " + MAX_ENCODED_LENGTH);
        }
        try (MessageUnpacker in = MsgPackSettings.UNPACKER.newUnpacker(encoded)) {
            Reader reader = new Reader(in, encoded.length);
            FileDescriptor descriptor = reader.read();
            if (in.hasNext()) {
                throw malformed(encoded.length - in.getTotalReadBytes() + " bytes after the map");
            }
            return descriptor;
        } catch (MessagePackException e) {
            throw malformed("not valid MsgPack (" + e.getClass().getSimpleName() + ")", e);
        } catch (IOException e) {
            if (e instanceof AttachmentException attachment) {
                throw attachment;
            }
            throw malformed("unreadable (" + e.getMessage() + ")", e);
        }
    }

    private static AttachmentException malformed(String message) {
        return new AttachmentException(Reason.MALFORMED_DESCRIPTOR, "file descriptor: " + message);
    }

    private static AttachmentException malformed(String message, Throwable cause) {
        return new AttachmentException(Reason.MALFORMED_DESCRIPTOR, "file descriptor: " + message, cause);
    }

    /** One decoding: reads the map and checks each field as it comes. */
    private static final class Reader {
        private final MessageUnpacker in;
        private final int length;
        private String mediaId;
        private String name;
        private Long size;
        private String mime;
        private byte[] ciphertextSha256;
        private byte[] key;
        private byte[] plaintextSha256;

        Reader(MessageUnpacker in, int length) {
            this.in = in;
            this.length = length;
        }

        FileDescriptor read() throws IOException {
            if (!in.hasNext()) {
                throw malformed("empty input");
            }
            MessageFormat format = in.getNextFormat();
            if (format.getValueType() != ValueType.MAP) {
                throw malformed(
                        "expected a map, got " + format.getValueType().name().toLowerCase(java.util.Locale.ROOT));
            }
            int entries = in.unpackMapHeader();
            if (entries > MAX_ENTRIES) {
                throw malformed("map has " + entries + " entries, more than " + MAX_ENTRIES);
            }
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < entries; i++) {
                long field = key();
                if (!seen.add(field)) {
                    throw malformed("key " + field + " appears twice");
                }
                switch ((int) field) {
                    case MEDIA_ID -> mediaId = string("0 (media id)", 64);
                    case NAME -> name = string("1 (name)", MAX_NAME_BYTES);
                    case SIZE -> size = uint("2 (size)");
                    case MIME -> mime = string("3 (mime)", MAX_MIME_LENGTH);
                    case CIPHERTEXT_SHA256 -> ciphertextSha256 = bin("4 (sha256)", AttachmentCipher.DIGEST_LENGTH);
                    case KEY -> key = bin("6 (key)", AttachmentKey.ENCODED_LENGTH);
                    case PLAINTEXT_SHA256 ->
                        plaintextSha256 = bin("7 (plaintext sha256)", AttachmentCipher.DIGEST_LENGTH);
                    default -> in.skipValue();
                }
            }
            require(mediaId, "0 (media id)");
            require(name, "1 (name)");
            require(size, "2 (size)");
            require(mime, "3 (mime)");
            require(ciphertextSha256, "4 (sha256)");
            require(key, "6 (key)");
            require(plaintextSha256, "7 (plaintext sha256)");
            try {
                return new FileDescriptor(
                        mediaId, name, size, mime, ciphertextSha256, plaintextSha256, AttachmentKey.decode(key));
            } catch (IllegalArgumentException e) {
                throw malformed(e.getMessage(), e);
            }
        }

        private static void require(Object value, String field) throws AttachmentException {
            if (value == null) {
                throw malformed("key " + field + " is missing");
            }
        }

        private long key() throws IOException {
            MessageFormat format = in.getNextFormat();
            if (format.getValueType() != ValueType.INTEGER) {
                throw malformed("map keys must be integers, got " + typeName(format));
            }
            long value = uint("key");
            if (value > MAX_KEY) {
                throw malformed("key " + value + " exceeds " + MAX_KEY);
            }
            return value;
        }

        private long uint(String field) throws IOException {
            MessageFormat format = in.getNextFormat();
            if (format.getValueType() != ValueType.INTEGER) {
                throw malformed(field + ": expected an unsigned integer, got " + typeName(format));
            }
            if (format == MessageFormat.UINT64) {
                java.math.BigInteger big = in.unpackBigInteger();
                if (big.bitLength() > 63) {
                    throw malformed(field + ": " + big + " is too large");
                }
                return check(field, big.longValue());
            }
            return check(field, in.unpackLong());
        }

        private static long check(String field, long value) throws AttachmentException {
            if (value < 0) {
                throw malformed(field + ": expected an unsigned integer, got " + value);
            }
            return value;
        }

        private String string(String field, int maxBytes) throws IOException {
            MessageFormat format = in.getNextFormat();
            if (format.getValueType() != ValueType.STRING) {
                throw malformed(field + ": expected a string, got " + typeName(format));
            }
            int n;
            try {
                n = in.unpackRawStringHeader();
            } catch (MessageSizeException e) {
                throw malformed(field + ": string length out of range", e);
            }
            if (n > maxBytes || n > remaining()) {
                throw malformed(field + ": string of " + n + " bytes exceeds " + Math.min(maxBytes, remaining()));
            }
            byte[] bytes = in.readPayload(n);
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw malformed(field + ": string is not valid UTF-8", e);
            }
        }

        private byte[] bin(String field, int exactLength) throws IOException {
            MessageFormat format = in.getNextFormat();
            if (format.getValueType() != ValueType.BINARY) {
                throw malformed(field + ": expected binary, got " + typeName(format));
            }
            int n;
            try {
                n = in.unpackBinaryHeader();
            } catch (MessageSizeException e) {
                throw malformed(field + ": binary length out of range", e);
            }
            if (n != exactLength) {
                throw malformed(field + ": expected " + exactLength + " bytes, got " + n);
            }
            if (n > remaining()) {
                throw malformed(field + ": truncated");
            }
            return in.readPayload(n);
        }

        private long remaining() {
            return length - in.getTotalReadBytes();
        }

        private static String typeName(MessageFormat format) {
            return format == MessageFormat.NEVER_USED
                    ? "the reserved byte 0xc1"
                    : format.getValueType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileDescriptor other
                && mediaId.equals(other.mediaId)
                && name.equals(other.name)
                && size == other.size
                && mime.equals(other.mime)
                && MessageDigest.isEqual(ciphertextSha256, other.ciphertextSha256)
                && MessageDigest.isEqual(plaintextSha256, other.plaintextSha256)
                && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mediaId, size, mime);
    }

    @Override
    public String toString() {
        return "FileDescriptor[mediaId=" + mediaId + ", size=" + size + ", mime=" + mime
                + ", name=<hidden>, key=<hidden>]";
    }
}
