// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.chat;

import java.util.Objects;
import org.nexuslink.p2p.MalformedDataException;
import org.nexuslink.p2p.internal.wire.ProtobufReader;
import org.nexuslink.p2p.internal.wire.ProtobufWriter;

/**
 * The first message each side of a {@code /nexuslink/dm/1.0.0} stream sends (protobuf): {@code 1}
 * the sender's PeerBinding, {@code 2} its prekey bundle ({@link BundleCodec}). Nothing in it is
 * trusted until the binding verifies against the PeerId the connection authenticated.
 */
public record Hello(byte[] binding, byte[] bundle) {
    public Hello {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(bundle, "bundle");
    }

    public byte[] encode() {
        return new ProtobufWriter().bytes(1, binding).bytes(2, bundle).toByteArray();
    }

    /** @throws MalformedDataException if a field is unknown, repeated or missing */
    public static Hello decode(byte[] encoded) {
        byte[] binding = null;
        byte[] bundle = null;
        ProtobufReader r = new ProtobufReader(encoded);
        while (r.next()) {
            switch (r.field()) {
                case 1 -> binding = once(binding, r.bytes(), "binding");
                case 2 -> bundle = once(bundle, r.bytes(), "bundle");
                default ->
                    throw new MalformedDataException("unexpected field " + r.field() + " in a direct-message hello");
            }
        }
        if (binding == null || bundle == null) {
            throw new MalformedDataException("a direct-message hello needs a binding and a bundle");
        }
        return new Hello(binding, bundle);
    }

    static byte[] once(byte[] previous, byte[] value, String name) {
        if (previous != null) {
            throw new MalformedDataException("repeated " + name);
        }
        return value;
    }
}
