// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;

/** A member of the community as the server knows it. */
public record Member(AccountId account, String displayName, Role role, boolean banned, Instant joinedAt) {
    public Member {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(joinedAt, "joinedAt");
    }

    /** The display name, if the member gave one. */
    public Optional<String> name() {
        return displayName.isEmpty() ? Optional.empty() : Optional.of(displayName);
    }
}
