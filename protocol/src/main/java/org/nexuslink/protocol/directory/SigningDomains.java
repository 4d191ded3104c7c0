// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

/**
 * The domain label of each signed directory action: a signature made for one action never
 * verifies as another.
 */
public final class SigningDomains {
    public static final String REGISTER = "nexuslink/directory/register/v1";
    public static final String UPDATE = "nexuslink/directory/update/v1";
    public static final String DELETE = "nexuslink/directory/delete/v1";
    public static final String HEARTBEAT = "nexuslink/directory/heartbeat/v1";
    public static final String KYC_INITIATE = "nexuslink/directory/kyc-initiate/v1";
    public static final String KYC_VERIFY = "nexuslink/directory/kyc-verify/v1";
    public static final String KYC_STATUS = "nexuslink/directory/kyc-status/v1";
    public static final String REPORT = "nexuslink/directory/report/v1";
    public static final String REPORT_STATUS = "nexuslink/directory/report-status/v1";
    /** What the directory signs with its own key: a listing's id, server key and endpoint. */
    public static final String LISTING = "nexuslink/directory/listing/v1";
    /** HPKE info of sealed KYC materials. */
    public static final String KYC_MATERIALS = "nexuslink/kyc-materials/v1";
    /** The header that carries an {@link AccountSignedRequest} (as base64 of its JSON) on a GET. */
    public static final String SIGNED_HEADER = "X-NexusLink-Signed";

    private SigningDomains() {}

    /** The bytes a listing signature covers: {@code id LF server_key LF endpoint} in UTF-8. */
    public static byte[] listingBytes(String communityId, String serverKey, String endpoint) {
        return (communityId + "\n" + serverKey + "\n" + endpoint).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The proof-of-work challenge of a registration: {@code directory LF server_key LF nonce} in UTF-8. */
    public static byte[] powChallenge(String directory, String serverKey, String nonce) {
        return (directory + "\n" + serverKey + "\n" + nonce).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
