// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import java.util.Optional;

/**
 * The multiaddr protocols this node reads and writes, with their codes from the multicodec
 * table and the size of their value: a fixed number of bits, {@link #VARIABLE} (a varint
 * length prefix), or none.
 */
public enum MultiaddrProtocol {
    IP4(0x04, 32, "ip4"),
    TCP(0x06, 16, "tcp"),
    UDP(0x0111, 16, "udp"),
    IP6(0x29, 128, "ip6"),
    DNS(0x35, MultiaddrProtocol.VARIABLE, "dns"),
    DNS4(0x36, MultiaddrProtocol.VARIABLE, "dns4"),
    DNS6(0x37, MultiaddrProtocol.VARIABLE, "dns6"),
    DNSADDR(0x38, MultiaddrProtocol.VARIABLE, "dnsaddr"),
    P2P_CIRCUIT(0x0122, 0, "p2p-circuit"),
    QUIC_V1(0x01cd, 0, "quic-v1"),
    P2P(0x01a5, MultiaddrProtocol.VARIABLE, "p2p");

    /** Size marker of protocols whose value carries a varint length prefix. */
    public static final int VARIABLE = -1;

    private final int code;
    private final int bits;
    private final String label;

    MultiaddrProtocol(int code, int bits, String label) {
        this.code = code;
        this.bits = bits;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** Value size in bits, 0 for none, {@link #VARIABLE} for length-prefixed. */
    public int bits() {
        return bits;
    }

    /** The name in the text form ({@code ip4}, {@code p2p-circuit}, ...). */
    public String label() {
        return label;
    }

    public static Optional<MultiaddrProtocol> ofCode(long code) {
        for (MultiaddrProtocol p : values()) {
            if (p.code == code) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static Optional<MultiaddrProtocol> ofLabel(String label) {
        for (MultiaddrProtocol p : values()) {
            if (p.label.equals(label)) {
                return Optional.of(p);
            }
        }
        // "ipfs" is the old name of "p2p"; it still appears in addresses people paste.
        return label.equals("ipfs") ? Optional.of(P2P) : Optional.empty();
    }
}
