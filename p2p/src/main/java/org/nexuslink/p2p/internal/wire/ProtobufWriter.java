// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.internal.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the few protobuf (proto2/proto3) field shapes libp2p messages use: varint fields and
 * length-delimited fields, in the order the caller gives (libp2p signs some encodings, so the
 * caller keeps field order deterministic). Not thread-safe; one per message.
 */
public final class ProtobufWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ProtobufWriter varint(int field, long value) {
        Varint.write((long) field << 3, out);
        Varint.write(value, out);
        return this;
    }

    public ProtobufWriter bytes(int field, byte[] value) {
        Varint.write(((long) field << 3) | 2, out);
        Varint.write(value.length, out);
        out.writeBytes(value);
        return this;
    }

    public ProtobufWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
