// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The plaintext layout of the values the store seals: fields written one after the other, fixed
 * width big-endian numbers, and byte strings and UTF-8 strings prefixed by a 4-byte length.
 * The order of the fields is the schema of each value, so a change to it is a migration.
 */
final class RowCodec {
    private RowCodec() {}

    /**
     * A time as nanoseconds since the epoch, for the clear ordering columns: exact, so paging by
     * time loses nothing between two messages of the same millisecond.
     *
     * @throws IllegalArgumentException outside the years 1678 to 2261
     */
    static long epochNanos(Instant time) {
        try {
            return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L), time.getNano());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("time out of the storable range (1678 to 2261): " + time);
        }
    }

    /**
     * {@code value}, length-prefixed, followed by zeros up to a multiple of {@code block} bytes:
     * a sealed value shows its length, and user-written text should show only its size class.
     */
    static byte[] pad(byte[] value, int block) {
        int length = 4 + value.length;
        int padded = (length + block - 1) / block * block;
        return ByteBuffer.allocate(padded).putInt(value.length).put(value).array();
    }

    /** The value {@link #pad} padded; the padding must be zeros. */
    static byte[] unpad(byte[] padded, String what) {
        Reader in = new Reader(padded, what);
        byte[] value = in.bytes();
        while (in.in.hasRemaining()) {
            if (in.in.get() != 0) {
                throw in.damaged("padding that is not zeros");
            }
        }
        return value;
    }

    /** Writes one value. */
    static final class Writer {
        // A plain array, not a ByteArrayOutputStream: that one locks for every byte written, and
        // the store builds a key this way for every libsignal callback.
        private byte[] out = new byte[64];
        private int size;

        Writer bytes(byte[] value) {
            i32(value.length);
            room(value.length);
            System.arraycopy(value, 0, out, size, value.length);
            size += value.length;
            return this;
        }

        Writer string(String value) {
            return bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        Writer i32(int value) {
            room(4);
            out[size++] = (byte) (value >>> 24);
            out[size++] = (byte) (value >>> 16);
            out[size++] = (byte) (value >>> 8);
            out[size++] = (byte) value;
            return this;
        }

        Writer i64(long value) {
            i32((int) (value >>> 32));
            return i32((int) value);
        }

        Writer bool(boolean value) {
            room(1);
            out[size++] = (byte) (value ? 1 : 0);
            return this;
        }

        Writer instant(Instant value) {
            i64(value.getEpochSecond());
            return i32(value.getNano());
        }

        Writer optionalInstant(Optional<Instant> value) {
            bool(value.isPresent());
            value.ifPresent(this::instant);
            return this;
        }

        Writer optionalString(Optional<String> value) {
            bool(value.isPresent());
            value.ifPresent(this::string);
            return this;
        }

        Writer optionalBytes(Optional<byte[]> value) {
            bool(value.isPresent());
            value.ifPresent(this::bytes);
            return this;
        }

        byte[] toBytes() {
            return Arrays.copyOf(out, size);
        }

        private void room(int more) {
            if (out.length - size < more) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
            }
        }
    }

    /** Reads one value; any inconsistency is a {@link StoreException} naming what was read. */
    static final class Reader {
        private final ByteBuffer in;
        private final String what;

        Reader(byte[] value, String what) {
            this.in = ByteBuffer.wrap(value);
            this.what = what;
        }

        byte[] bytes() {
            int length = i32();
            if (length < 0 || length > in.remaining()) {
                throw damaged("a length of " + length + " with " + in.remaining() + " bytes left");
            }
            byte[] value = new byte[length];
            in.get(value);
            return value;
        }

        String string() {
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes()))
                        .toString();
            } catch (CharacterCodingException e) {
                throw damaged("text that is not UTF-8");
            }
        }

        int i32() {
            try {
                return in.getInt();
            } catch (BufferUnderflowException e) {
                throw damaged("a value cut short");
            }
        }

        long i64() {
            try {
                return in.getLong();
            } catch (BufferUnderflowException e) {
                throw damaged("a value cut short");
            }
        }

        boolean bool() {
            if (!in.hasRemaining()) {
                throw damaged("a value cut short");
            }
            byte b = in.get();
            if (b != 0 && b != 1) {
                throw damaged("a flag of " + b);
            }
            return b == 1;
        }

        Instant instant() {
            long seconds = i64();
            int nanos = i32();
            try {
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (java.time.DateTimeException | ArithmeticException e) {
                throw damaged("a time out of range");
            }
        }

        Optional<Instant> optionalInstant() {
            return bool() ? Optional.of(instant()) : Optional.empty();
        }

        Optional<String> optionalString() {
            return bool() ? Optional.of(string()) : Optional.empty();
        }

        Optional<byte[]> optionalBytes() {
            return bool() ? Optional.of(bytes()) : Optional.empty();
        }

        /** Checks that the whole value was read. */
        void end() {
            if (in.hasRemaining()) {
                throw damaged(in.remaining() + " unexpected trailing bytes");
            }
        }

        private StoreException damaged(String detail) {
            return new StoreException("damaged " + what + " in the profile store: " + detail);
        }
    }
}
