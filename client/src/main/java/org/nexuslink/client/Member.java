// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;

/**
 * A member of the community as the server lists it: what a user interface shows instead of the
 * 56-character account id, wherever the name is known.
 *
 * @param displayName the name the member gave at join, if any (chosen by the member: not unique,
 *     not verified; the account id is what identifies them)
 * @param role {@code admin}, {@code moderator} or {@code member}
 */
public record Member(AccountId account, Optional<String> displayName, String role) {
    public Member {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(role, "role");
    }

    /** The display name, or the account id when the member gave none. */
    public String label() {
        return displayName.orElse(account.toString());
    }
}
