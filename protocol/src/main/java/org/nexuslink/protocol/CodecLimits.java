// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

/**
 * Bounds the codec enforces on every frame, in both directions, so a peer cannot make it
 * allocate or recurse without limit.
 *
 * @param maxFrameBytes longest frame, in bytes
 * @param maxEntries most elements in one array or entries in one map
 * @param maxStringBytes longest string, in UTF-8 bytes
 * @param maxDepth deepest nesting of arrays and maps; the envelope map is depth 1
 */
public record CodecLimits(int maxFrameBytes, int maxEntries, int maxStringBytes, int maxDepth) {

    /** The defaults: 64 KiB frames, 1024 entries, 4 KiB strings, depth 16. */
    public static final CodecLimits DEFAULT = new CodecLimits(64 * 1024, 1024, 4096, 16);

    /** The smallest depth that still holds a catch-up result with tags: 6. */
    public static final int MIN_DEPTH = 6;

    /** Validates that each bound is positive and the depth can hold every defined body. */
    public CodecLimits {
        if (maxFrameBytes < 1 || maxEntries < 1 || maxStringBytes < 1) {
            throw new IllegalArgumentException(
                    "limits must be positive: " + maxFrameBytes + ", " + maxEntries + ", " + maxStringBytes);
        }
        if (maxDepth < MIN_DEPTH || maxDepth > 64) {
            throw new IllegalArgumentException("maxDepth must be " + MIN_DEPTH + " to 64, got " + maxDepth);
        }
    }

    /** Returns these limits with another maximum frame size. */
    public CodecLimits withMaxFrameBytes(int maxFrameBytes) {
        return new CodecLimits(maxFrameBytes, maxEntries, maxStringBytes, maxDepth);
    }
}
