// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.Objects;
import java.util.Optional;

/**
 * What an account's device signs for the KYC and abuse-report routes. The fields a route needs
 * besides the common ones are present; the others absent.
 *
 * @param account the {@code nxl:} id whose device certificate accompanies the request
 * @param challenge KYC verify: the nonce {@code /kyc/initiate} answered
 * @param materials KYC verify: base64 of the materials sealed to the compliance key
 * @param communityId report: the community reported
 * @param category report: spam, illegal, harassment, impersonation or other
 * @param details report: free text, up to 2,000 characters
 * @param reportId report status: the report asked about
 */
public record AccountPayload(
        String directory,
        long timestamp,
        String nonce,
        String account,
        Optional<String> challenge,
        Optional<String> materials,
        Optional<String> communityId,
        Optional<String> category,
        Optional<String> details,
        Optional<String> reportId) {
    public AccountPayload {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(account, "account");
        challenge = challenge == null ? Optional.empty() : challenge;
        materials = materials == null ? Optional.empty() : materials;
        communityId = communityId == null ? Optional.empty() : communityId;
        category = category == null ? Optional.empty() : category;
        details = details == null ? Optional.empty() : details;
        reportId = reportId == null ? Optional.empty() : reportId;
    }

    /** A payload with only the common fields. */
    public static AccountPayload of(String directory, long timestamp, String nonce, String account) {
        return new AccountPayload(
                directory,
                timestamp,
                nonce,
                account,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }
}
