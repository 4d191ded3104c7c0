// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

/** Finds bytes in bytes: what the "no plaintext in any file" tests look for. */
public final class ByteSearch {
    private ByteSearch() {}

    /** The first index of {@code needle} in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
