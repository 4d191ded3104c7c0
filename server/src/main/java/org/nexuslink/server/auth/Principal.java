// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;

/**
 * Who made an authenticated request: a registered, unrevoked device of a member who is not
 * banned, as proven by a bearer token.
 */
public record Principal(AccountId account, DeviceId device) {
    public Principal {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(device, "device");
    }

    /**
     * A principal from columns the server wrote itself; they were validated on the way in, so a
     * bad value here means a corrupted database and is a bug, not a client error.
     */
    public static Principal fromStored(String account, int device) {
        try {
            return new Principal(storedAccount(account), new DeviceId(device));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("corrupt device id in the database", e);
        }
    }

    /** An account id from a column the server wrote itself (see {@link #fromStored}). */
    public static AccountId storedAccount(String account) {
        try {
            return AccountId.parse(account);
        } catch (InvalidAccountIdException e) {
            throw new IllegalStateException("corrupt account id in the database", e);
        }
    }
}
