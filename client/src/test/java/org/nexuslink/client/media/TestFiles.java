// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Files and randomness for the media tests. */
final class TestFiles {
    private TestFiles() {}

    /** A file of {@code size} seeded random bytes. */
    static Path random(Path dir, String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    /** Every regular file under {@code dir}, hidden ones included. */
    static List<Path> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A SecureRandom that hands out fixed bytes, for a known-answer vector. */
    static SecureRandom fixed(byte[] bytes) {
        return new SecureRandom() {
            private int next;

            @Override
            public void nextBytes(byte[] out) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = bytes[next++ % bytes.length];
                }
            }
        };
    }

    /** Bytes {@code from}, {@code from + 1}, ... ({@code n} of them). */
    static byte[] counting(int from, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = (byte) (from + i);
        }
        return out;
    }
}
