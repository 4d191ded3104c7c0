// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

/** Fixed vectors shared by the identity tests and docs/identity.md. */
final class KnownVectors {
    static final String ABANDON_12_ACCOUNT_ID = "nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnwa";
    static final String ZOO_24_ACCOUNT_ID = "nxl:hickvy6mubegqpcsmk4hiff7yg5ee2plhgedk62jwr54vdsv5bca";

    /** Device 2's private key: 32 bytes of 0x07. */
    static final String DEVICE_PRIVATE_KEY = "0707070707070707070707070707070707070707070707070707070707070707";

    static final String DEVICE_PUBLIC_KEY = "13be4feaeaf204c7fd3358fc9c00721881d174278128227ec674f37f7fe97b6d";
    /**
     * A certificate by the ABANDON_12 identity for device 2, created 2026-11-01T12:00:00Z,
     * expiring 2027-11-01T12:00:00Z.
     */
    static final String CERTIFICATE =
            "87000101c4201a6ed46ac8f065047d3dd4f5de47b006cbe050a93e65aa683ff1575395b1936c020203c420"
                    + "13be4feaeaf204c7fd3358fc9c00721881d174278128227ec674f37f7fe97b6d04ce6ae729c005ce6cc85d40"
                    + "0fc440ee94434f2fb75d6ba4cfc218739c17644f2c047a0311be9a27500665d8895942071bb9c66f73364d3f"
                    + "787f7dc0c5d65ec98e586c66560f51a175505767ffe202";
    /** The ABANDON_12 identity's revocation of that device, at 2026-12-01T00:00:00Z. */
    static final String REVOCATION =
            "86000101c4201a6ed46ac8f065047d3dd4f5de47b006cbe050a93e65aa683ff1575395b1936c020203c420"
                    + "13be4feaeaf204c7fd3358fc9c00721881d174278128227ec674f37f7fe97b6d04ce6b0e0e000fc440190687"
                    + "a56daf74f8a2b57b9a8ee0f3bf0adfb115a1f89bb4f7c733a5276e6f5b3cb278980c2a578aa13991b9764e7f"
                    + "fd9740b12e4887f97561d67d96e292f004";

    private KnownVectors() {}
}
