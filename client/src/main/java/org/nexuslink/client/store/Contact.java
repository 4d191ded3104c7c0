// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Someone this profile knows: their account id, the local nickname the user gave them, and
 * whether the user verified their safety number (and when). Stored sealed.
 *
 * @param accountId the contact's {@code nxl:} account id
 * @param nickname a local name, never sent anywhere
 * @param verified true once the user compared safety numbers or a first-contact code
 * @param verifiedAt when that happened
 */
public record Contact(String accountId, Optional<String> nickname, boolean verified, Optional<Instant> verifiedAt) {
    public Contact {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(nickname, "nickname");
        Objects.requireNonNull(verifiedAt, "verifiedAt");
        if (accountId.isBlank()) {
            throw new IllegalArgumentException("a contact needs an account id");
        }
    }
}
