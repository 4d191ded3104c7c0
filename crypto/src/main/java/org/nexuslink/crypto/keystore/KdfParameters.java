// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

/**
 * Argon2id cost parameters, recorded in each keystore's header so a file opens with the
 * parameters it was sealed with.
 *
 * @param memoryKiB memory in KiB, at least 8 per lane, at most 1 GiB (a larger header is refused
 *     as corrupt rather than allowed to exhaust memory)
 * @param iterations passes over memory, 1..64
 * @param parallelism lanes, 1..16
 */
public record KdfParameters(int memoryKiB, int iterations, int parallelism) {
    /** RFC 9106's second recommended setting: 64 MiB, 3 passes, 4 lanes. */
    public static final KdfParameters DEFAULT = new KdfParameters(64 * 1024, 3, 4);

    public static final int MAX_MEMORY_KIB = 1024 * 1024;
    public static final int MAX_ITERATIONS = 64;
    public static final int MAX_PARALLELISM = 16;

    public KdfParameters {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException(
                    "Argon2 parallelism must be 1.." + MAX_PARALLELISM + ", got " + parallelism);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException(
                    "Argon2 iterations must be 1.." + MAX_ITERATIONS + ", got " + iterations);
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException(
                    "Argon2 memory must be " + (8 * parallelism) + ".." + MAX_MEMORY_KIB + " KiB, got " + memoryKiB);
        }
    }
}
