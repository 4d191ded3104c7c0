// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import java.util.Objects;
import java.util.Optional;

/** An account's KYC state: {@code initiated}, {@code pending}, {@code approved} or {@code rejected} (with the reviewer's reason). */
public record KycStatus(String account, String status, Optional<String> reason) {
    public KycStatus {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(status, "status");
        reason = reason == null ? Optional.empty() : reason;
    }
}
