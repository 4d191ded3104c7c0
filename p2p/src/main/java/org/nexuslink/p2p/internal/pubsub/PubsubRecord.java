// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.pubsub;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.PeerId;
import org.nexuslink.p2p.PeerKeyPair;
import org.nexuslink.p2p.PeerPublicKey;
import org.nexuslink.p2p.internal.wire.Bytes;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;

/**
 * One pubsub {@code Message} as it travels: {@code 1 from, 2 data, 3 seqno, 4 topic,
 * 5 signature, 6 key}. Kept with its exact encoding, so forwarding never changes the bytes a
 * signature covers.
 *
 * <p>StrictSign (what gossipsub uses by default): the signature is the author's over
 * {@code "libp2p-pubsub:"} followed by the message's fields without 5 and 6, as encoded.
 * Immutable.
 */
public final class PubsubRecord {
    private static final byte[] SIGN_PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);

    private final Bytes encoded;
    private final Bytes signedPart;
    private final Bytes from;
    private final Bytes data;
    private final Bytes seqno;
    private final String topic;
    private final Bytes signature;
    private final Bytes key;

    private PubsubRecord(
            Bytes encoded,
            Bytes signedPart,
            Bytes from,
            Bytes data,
            Bytes seqno,
            String topic,
            Bytes signature,
            Bytes key) {
        this.encoded = encoded;
        this.signedPart = signedPart;
        this.from = from;
        this.data = data;
        this.seqno = seqno;
        this.topic = topic;
        this.signature = signature;
        this.key = key;
    }

    /** A new message signed by {@code author}; the key is left out since Ed25519 ids inline it. */
    public static PubsubRecord sign(PeerKeyPair author, String topic, byte[] data, byte[] seqno) {
        byte[] unsigned = new ProtobufWriter()
                .bytes(1, author.peerId().toBytes())
                .bytes(2, data)
                .bytes(3, seqno)
                .string(4, topic)
                .toByteArray();
        byte[] signature = author.sign(concat(SIGN_PREFIX, unsigned));
        byte[] encoded =
                concat(unsigned, new ProtobufWriter().bytes(5, signature).toByteArray());
        return decode(encoded);
    }

    /**
     * Parses a message without validating it.
     *
     * @throws MalformedDataException on bad protobuf, a repeated field or a missing topic
     */
    public static PubsubRecord decode(byte[] encoded) {
        ProtobufReader r = new ProtobufReader(encoded);
        ByteArrayOutputStream signed = new ByteArrayOutputStream(encoded.length);
        Bytes from = Bytes.EMPTY;
        Bytes data = Bytes.EMPTY;
        Bytes seqno = Bytes.EMPTY;
        String topic = null;
        Bytes signature = Bytes.EMPTY;
        Bytes key = Bytes.EMPTY;
        boolean[] seen = new boolean[7];
        while (r.next()) {
            int f = r.field();
            if (f >= 1 && f <= 6) {
                if (seen[f]) {
                    throw new MalformedDataException("pubsub message repeats field " + f);
                }
                seen[f] = true;
            }
            switch (f) {
                case 1 -> from = Bytes.of(r.bytes());
                case 2 -> data = Bytes.of(r.bytes());
                case 3 -> seqno = Bytes.of(r.bytes());
                case 4 -> topic = r.string();
                case 5 -> signature = Bytes.of(r.bytes());
                case 6 -> key = Bytes.of(r.bytes());
                default -> {
                    // Unknown fields stay covered by the signature, as the sender encoded them.
                }
            }
            if (f != 5 && f != 6) {
                signed.writeBytes(r.rawField());
            }
        }
        if (topic == null) {
            throw new MalformedDataException("pubsub message without a topic");
        }
        return new PubsubRecord(
                Bytes.of(encoded), Bytes.of(signed.toByteArray()), from, data, seqno, topic, signature, key);
    }

    /** The author, if this message carries a valid StrictSign signature; otherwise why not. */
    public Validation validate() {
        if (from.isEmpty()) {
            return Validation.invalid("no author");
        }
        if (seqno.length() != 8) {
            return Validation.invalid("seqno is not 8 bytes");
        }
        if (signature.isEmpty()) {
            return Validation.invalid("unsigned");
        }
        PeerId author;
        PeerPublicKey authorKey;
        try {
            author = PeerId.fromBytes(from.toByteArray());
            if (!key.isEmpty()) {
                authorKey = PeerPublicKey.decode(key.toByteArray());
                if (!author.matches(authorKey)) {
                    return Validation.invalid("key does not match the author");
                }
            } else {
                authorKey = author.publicKey().orElse(null);
                if (authorKey == null) {
                    return Validation.invalid("author key unknown");
                }
            }
        } catch (MalformedDataException e) {
            return Validation.invalid("malformed author: " + e.getMessage());
        }
        if (!authorKey.verify(concat(SIGN_PREFIX, signedPart.toByteArray()), signature.toByteArray())) {
            return Validation.invalid("bad signature");
        }
        return new Validation(author, authorKey, "");
    }

    /** The result of {@link #validate()}: the author and key when valid, else a reason. */
    public record Validation(PeerId author, PeerPublicKey key, String problem) {
        static Validation invalid(String problem) {
            return new Validation(null, null, problem);
        }

        public boolean isValid() {
            return author != null;
        }
    }

    /**
     * The message id js-libp2p gossipsub gives a signed message: the author's public key
     * protobuf followed by the seqno. IHAVE/IWANT carry these ids, so they must agree.
     */
    public Bytes messageId(PeerPublicKey authorKey) {
        return Bytes.of(concat(authorKey.encoded(), seqno.toByteArray()));
    }

    public Bytes encoded() {
        return encoded;
    }

    public String topic() {
        return topic;
    }

    public byte[] data() {
        return data.toByteArray();
    }

    public Bytes seqno() {
        return seqno;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PubsubRecord r && r.encoded.equals(encoded);
    }

    @Override
    public int hashCode() {
        return Objects.hash(encoded);
    }

    @Override
    public String toString() {
        return "PubsubRecord[topic=" + topic + " seqno=" + seqno + " bytes=" + data.length() + "]";
    }
}
