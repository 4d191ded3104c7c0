// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

/** Fixed vectors shared by the identity tests and docs/identity.md. */
final class KnownVectors {
    static final String ABANDON_12_ACCOUNT_ID = "nxl:djxni2wi6bsqi7j52t254r5qa3f6aufjhzs2u2b76flvhfnrsnwa";
    static final String ZOO_24_ACCOUNT_ID = "nxl:hickvy6mubegqpcsmk4hiff7yg5ee2plhgedk62jwr54vdsv5bca";

    private KnownVectors() {}
}
