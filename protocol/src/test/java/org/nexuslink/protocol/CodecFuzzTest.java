// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid frames at random and checks the decoder either accepts the result consistently
 * or raises {@link ProtocolException}, never anything else.
 *
 * <p>The normal build runs a bounded number of iterations from a fixed seed; run longer with
 * {@code -Dnexuslink.fuzz.iterations=5000000} and vary {@code -Dnexuslink.fuzz.seed=...}.
 */
class CodecFuzzTest {

    private static final int ITERATIONS = Integer.getInteger("nexuslink.fuzz.iterations", 50_000);
    private static final long SEED = Long.getLong("nexuslink.fuzz.seed", 0x6e65_7875_736cL);

    private final EnvelopeCodec codec = new EnvelopeCodec();

    @Test
    void mutated_frames_decode_consistently_or_raise_only_protocol_exception() {
        List<byte[]> corpus = new ArrayList<>();
        GoldenVectors.values().values().forEach(envelope -> corpus.add(codec.encode(envelope)));
        Random random = new Random(SEED);
        Map<ErrorCode, Integer> outcomes = new EnumMap<>(ErrorCode.class);
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] original = corpus.get(random.nextInt(corpus.size()));
            byte[] mutant = mutate(original, corpus, random);
            try {
                Envelope decoded = codec.decode(mutant);
                assertThat(codec.decode(codec.encode(decoded))).isEqualTo(decoded);
                accepted++;
            } catch (ProtocolException e) {
                outcomes.merge(e.code(), 1, Integer::sum);
            } catch (RuntimeException | Error e) {
                fail(
                        "iteration %d (seed %d) on %s threw %s",
                        i, SEED, Bytes.of(mutant).hex(), e);
            }
        }
        // The mutator must reach past the framing checks, or the test proves little.
        assertThat(accepted).isPositive();
        assertThat(outcomes)
                .containsKeys(
                        ErrorCode.MALFORMED_FRAME,
                        ErrorCode.INVALID_FIELD,
                        ErrorCode.UNSUPPORTED_VERSION,
                        ErrorCode.UNKNOWN_COMMAND);
    }

    private static byte[] mutate(byte[] original, List<byte[]> corpus, Random random) {
        byte[] frame = original;
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds && frame.length > 0; r++) {
            frame = switch (random.nextInt(7)) {
                case 0 -> flipBit(frame, random);
                case 1 -> setByte(frame, random);
                case 2 -> insertByte(frame, random);
                case 3 -> deleteByte(frame, random);
                case 4 -> Arrays.copyOf(frame, random.nextInt(frame.length));
                case 5 -> inflateLength(frame, random);
                default -> splice(frame, corpus.get(random.nextInt(corpus.size())), random);
            };
        }
        return frame;
    }

    private static byte[] flipBit(byte[] frame, Random random) {
        byte[] copy = frame.clone();
        copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        return copy;
    }

    private static byte[] setByte(byte[] frame, Random random) {
        byte[] copy = frame.clone();
        // Favour the bytes that change structure: headers, nil, the reserved 0xc1, wide ints.
        byte[] interesting = {
            (byte) 0xc0,
            (byte) 0xc1,
            (byte) 0xc3,
            (byte) 0xcf,
            (byte) 0xd3,
            (byte) 0xdc,
            (byte) 0xde,
            (byte) 0xdf,
            (byte) 0x90,
            (byte) 0x80,
            (byte) 0xa0,
            0x00,
            0x01,
            0x02,
            0x7f,
            (byte) 0xff
        };
        copy[random.nextInt(copy.length)] =
                random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
        return copy;
    }

    private static byte[] insertByte(byte[] frame, Random random) {
        int at = random.nextInt(frame.length + 1);
        byte[] copy = new byte[frame.length + 1];
        System.arraycopy(frame, 0, copy, 0, at);
        copy[at] = (byte) random.nextInt(256);
        System.arraycopy(frame, at, copy, at + 1, frame.length - at);
        return copy;
    }

    private static byte[] deleteByte(byte[] frame, Random random) {
        int at = random.nextInt(frame.length);
        byte[] copy = new byte[frame.length - 1];
        System.arraycopy(frame, 0, copy, 0, at);
        System.arraycopy(frame, at + 1, copy, at, frame.length - at - 1);
        return copy;
    }

    /** Raises the length or count of a str/bin/array/map header, so it claims more than follows. */
    private static byte[] inflateLength(byte[] frame, Random random) {
        byte[] copy = frame.clone();
        for (int tries = 0; tries < 8; tries++) {
            int at = random.nextInt(copy.length);
            int b = copy[at] & 0xff;
            if (b >= 0x80 && b <= 0xbf) {
                int mask = b >= 0xa0 ? 0x1f : 0x0f;
                int size = b & mask;
                if (size < mask) {
                    copy[at] = (byte) (b + 1 + random.nextInt(mask - size));
                    return copy;
                }
            }
            if ((b == 0xc4 || b == 0xd9) && at + 1 < copy.length) {
                copy[at + 1] = (byte) (1 + random.nextInt(255));
                return copy;
            }
            if ((b == 0xc6 || b == 0xdb || b == 0xdd || b == 0xdf) && at + 4 < copy.length) {
                copy[at + 1] = (byte) random.nextInt(256);
                return copy;
            }
        }
        return copy;
    }

    private static byte[] splice(byte[] frame, byte[] other, Random random) {
        int cut = random.nextInt(frame.length + 1);
        int from = random.nextInt(other.length);
        byte[] copy = new byte[cut + other.length - from];
        System.arraycopy(frame, 0, copy, 0, cut);
        System.arraycopy(other, from, copy, cut, other.length - from);
        return copy;
    }
}
