// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.util.HexFormat;

/** Hex for golden vectors: spaces are ignored so vectors can be grouped by field. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
