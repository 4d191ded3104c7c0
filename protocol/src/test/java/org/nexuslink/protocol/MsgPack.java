// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Builds MsgPack test frames from plain Java values, in the order given, so tests can write
 * frames the canonical encoder never would (keys out of order, wrong types, duplicate keys).
 */
final class MsgPack {

    private MsgPack() {}

    /** A map literal that keeps key order and may repeat keys. */
    record Entries(List<Object> keysAndValues) {}

    /** Returns a map of the given keys and values, in order; keys may repeat. */
    static Entries map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must pair up");
        }
        return new Entries(java.util.Arrays.asList(keysAndValues));
    }

    /** Encodes {@code value}: Integer/Long/BigInteger, String, byte[], Boolean, null, Double, List, Map, Entries. */
    static byte[] pack(Object value) {
        MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
        try {
            write(packer, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packer.toByteArray();
    }

    private static void write(MessageBufferPacker p, Object value) throws IOException {
        switch (value) {
            case null -> p.packNil();
            case Integer i -> p.packLong(i);
            case Long l -> p.packLong(l);
            case BigInteger b -> p.packBigInteger(b);
            case String s -> p.packString(s);
            case byte[] b -> p.packBinaryHeader(b.length).writePayload(b);
            case Boolean b -> p.packBoolean(b);
            case Double d -> p.packDouble(d);
            case List<?> list -> {
                p.packArrayHeader(list.size());
                for (Object element : list) {
                    write(p, element);
                }
            }
            case Entries entries -> {
                List<Object> kv = entries.keysAndValues();
                p.packMapHeader(kv.size() / 2);
                for (Object element : kv) {
                    write(p, element);
                }
            }
            case Map<?, ?> map ->
                write(
                        p,
                        map(new LinkedHashMap<>(map)
                                .entrySet().stream()
                                        .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                                        .toArray()));
            default -> throw new IllegalArgumentException("cannot pack " + value.getClass());
        }
    }
}
