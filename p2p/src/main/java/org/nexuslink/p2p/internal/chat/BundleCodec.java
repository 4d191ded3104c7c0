// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.chat;

import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * A libsignal prekey bundle on the wire (protobuf): {@code 1} registration id, {@code 2} device
 * id, {@code 3} one-time EC prekey id and {@code 4} its key (both optional), {@code 5} signed
 * prekey id, {@code 6} its key, {@code 7} its signature, {@code 8} Kyber prekey id, {@code 9} its
 * key, {@code 10} its signature. The identity key is not sent: the receiver takes the device key
 * of the certificate the peer's binding proved, so a bundle can only ever be the certified key's.
 */
public final class BundleCodec {
    private BundleCodec() {}

    public static byte[] encode(PreKeyBundle b) {
        ProtobufWriter w = new ProtobufWriter().varint(1, b.getRegistrationId()).varint(2, b.getDeviceId());
        if (b.getPreKey() != null) {
            w.varint(3, b.getPreKeyId()).bytes(4, b.getPreKey().serialize());
        }
        return w.varint(5, b.getSignedPreKeyId())
                .bytes(6, b.getSignedPreKey().serialize())
                .bytes(7, b.getSignedPreKeySignature())
                .varint(8, b.getKyberPreKeyId())
                .bytes(9, b.getKyberPreKey().serialize())
                .bytes(10, b.getKyberPreKeySignature())
                .toByteArray();
    }

    /**
     * Decodes a bundle whose identity key is {@code identity}; its signatures are checked by
     * libsignal when a session is built from it.
     *
     * @throws MalformedDataException if a field is missing, repeated, out of range or not a key
     */
    public static PreKeyBundle decode(byte[] encoded, IdentityKey identity) {
        long[] ints = new long[11];
        byte[][] blobs = new byte[11][];
        boolean[] seen = new boolean[11];
        ProtobufReader r = new ProtobufReader(encoded);
        while (r.next()) {
            int f = r.field();
            if (f < 1 || f > 10) {
                throw new MalformedDataException("unexpected field " + f + " in a prekey bundle");
            }
            if (seen[f]) {
                throw new MalformedDataException("repeated field " + f + " in a prekey bundle");
            }
            seen[f] = true;
            switch (f) {
                case 1, 2, 3, 5, 8 -> {
                    ints[f] = r.varint();
                    if (ints[f] < 0 || ints[f] > Integer.MAX_VALUE) {
                        throw new MalformedDataException("prekey bundle field " + f + " out of range: " + ints[f]);
                    }
                }
                default -> blobs[f] = r.bytes();
            }
        }
        for (int f : new int[] {1, 2, 5, 6, 7, 8, 9, 10}) {
            if (!seen[f]) {
                throw new MalformedDataException("prekey bundle lacks field " + f);
            }
        }
        if (seen[3] != seen[4]) {
            throw new MalformedDataException("a one-time prekey needs both its id and its key");
        }
        try {
            return new PreKeyBundle(
                    (int) ints[1],
                    (int) ints[2],
                    seen[3] ? (int) ints[3] : PreKeyBundle.NULL_PRE_KEY_ID,
                    seen[3] ? new ECPublicKey(blobs[4]) : null,
                    (int) ints[5],
                    new ECPublicKey(blobs[6]),
                    blobs[7],
                    identity,
                    (int) ints[8],
                    new KEMPublicKey(blobs[9]),
                    blobs[10]);
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new MalformedDataException("prekey bundle holds an invalid key: " + e.getMessage(), e);
        }
    }
}
