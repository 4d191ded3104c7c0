// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;

/**
 * Who made an authenticated request: a registered, unrevoked device of a member who is not
 * banned, as proven by a bearer token.
 */
public record Principal(AccountId account, DeviceId device) {
    public Principal {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(device, "device");
    }
}
