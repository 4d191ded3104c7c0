// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;

/**
 * Who performs an administrative action: an authenticated account (every API call), or the
 * operator at the server's console ({@code nexuslink admin --local}, for recovery when no admin
 * can log in), who holds every community power because they hold the database.
 */
public sealed interface Actor {
    /** The acting account, or empty for the console. */
    Optional<AccountId> account();

    /** An account acting through the API. */
    record Account(AccountId id) implements Actor {
        public Account {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public Optional<AccountId> account() {
            return Optional.of(id);
        }

        @Override
        public String toString() {
            return id.toString();
        }
    }

    /** The operator with direct database access. */
    record Console() implements Actor {
        @Override
        public Optional<AccountId> account() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "console";
        }
    }

    static Actor of(AccountId account) {
        return new Account(account);
    }

    /** The console actor. */
    Actor CONSOLE = new Console();
}
