// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;

/**
 * A MsgPack map with small integer keys whose encoding is canonical: keys ascending, every
 * integer, length and string in its shortest form. Values are integers, byte strings or UTF-8
 * strings.
 *
 * <p>Signed structures (certificates, revocations, challenges) are signed over these bytes, so
 * decoding rejects anything that would not re-encode to exactly the input: a second spelling of
 * the same value could otherwise slip past a signature check or a replay cache. Not thread-safe
 * while being built; immutable values are safe to share once built.
 */
public final class CanonicalMap {
    private final TreeMap<Integer, Object> entries = new TreeMap<>();

    /** Why bytes are not a canonical map. */
    public static final class MalformedException extends Exception {
        public MalformedException(String message) {
            super(message);
        }
    }

    public CanonicalMap put(int key, long value) {
        return putChecked(key, value);
    }

    public CanonicalMap put(int key, byte[] value) {
        return putChecked(key, value.clone());
    }

    public CanonicalMap put(int key, String value) {
        return putChecked(key, value);
    }

    private CanonicalMap putChecked(int key, Object value) {
        if (key < 0 || key > 127) {
            throw new IllegalArgumentException("map key must be 0..127, got " + key);
        }
        entries.put(key, value);
        return this;
    }

    /** The canonical encoding. */
    public byte[] encode() {
        try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
            packer.packMapHeader(entries.size());
            for (Map.Entry<Integer, Object> e : entries.entrySet()) {
                packer.packInt(e.getKey());
                switch (e.getValue()) {
                    case Long l -> packer.packLong(l);
                    case byte[] b -> packer.packBinaryHeader(b.length).writePayload(b);
                    case String s -> packer.packString(s);
                    default ->
                        throw new IllegalStateException(
                                "unexpected value type " + e.getValue().getClass());
                }
            }
            packer.flush();
            return packer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes {@code bytes}, accepting only a canonical map whose keys are all in {@code allowed}.
     *
     * @throws MalformedException naming the first problem found
     */
    public static CanonicalMap decode(byte[] bytes, Set<Integer> allowed) throws MalformedException {
        CanonicalMap map = new CanonicalMap();
        try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
            if (!unpacker.hasNext() || unpacker.getNextFormat().getValueType() != org.msgpack.value.ValueType.MAP) {
                throw new MalformedException("not a MsgPack map");
            }
            int size = unpacker.unpackMapHeader();
            int previous = -1;
            for (int i = 0; i < size; i++) {
                if (unpacker.getNextFormat() != MessageFormat.POSFIXINT) {
                    throw new MalformedException("map key " + (i + 1) + " is not a small integer");
                }
                int key = unpacker.unpackInt();
                if (key <= previous) {
                    throw new MalformedException("map keys are not strictly ascending at key " + key);
                }
                if (!allowed.contains(key)) {
                    throw new MalformedException("unknown map key " + key);
                }
                previous = key;
                switch (unpacker.getNextFormat().getValueType()) {
                    case INTEGER -> map.entries.put(key, unpacker.unpackLong());
                    case BINARY -> map.entries.put(key, unpacker.readPayload(unpacker.unpackBinaryHeader()));
                    case STRING -> map.entries.put(key, unpacker.unpackString());
                    default -> throw new MalformedException("value of key " + key + " has an unexpected type");
                }
            }
            if (unpacker.hasNext()) {
                throw new MalformedException("trailing bytes after the map");
            }
        } catch (IOException | MessagePackException | ArithmeticException e) {
            throw new MalformedException("malformed MsgPack: " + e.getMessage());
        }
        if (!Arrays.equals(map.encode(), bytes)) {
            throw new MalformedException("not in canonical MsgPack form");
        }
        return map;
    }

    public boolean has(int key) {
        return entries.containsKey(key);
    }

    public long requireLong(int key) throws MalformedException {
        if (entries.get(key) instanceof Long l) {
            return l;
        }
        throw new MalformedException("key " + key + " must hold an integer");
    }

    public Optional<Long> optionalLong(int key) throws MalformedException {
        return has(key) ? Optional.of(requireLong(key)) : Optional.empty();
    }

    public byte[] requireBytes(int key, int length) throws MalformedException {
        if (entries.get(key) instanceof byte[] b) {
            if (length >= 0 && b.length != length) {
                throw new MalformedException("key " + key + " must hold " + length + " bytes, got " + b.length);
            }
            return b.clone();
        }
        throw new MalformedException("key " + key + " must hold a byte string");
    }

    public String requireString(int key) throws MalformedException {
        if (entries.get(key) instanceof String s) {
            return s;
        }
        throw new MalformedException("key " + key + " must hold a string");
    }
}
