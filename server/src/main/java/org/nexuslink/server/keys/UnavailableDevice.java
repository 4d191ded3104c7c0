// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.util.Locale;
import java.util.Objects;
import org.nexuslink.crypto.identity.DeviceId;

/**
 * A device of a fetched account for which no bundle was handed out, and why. No prekey of it was
 * consumed.
 */
public record UnavailableDevice(DeviceId device, Reason reason) {
    public UnavailableDevice {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(reason, "reason");
    }

    /** Why a device has no bundle; {@link #wireName()} is its JSON spelling. */
    public enum Reason {
        /** The device never uploaded a signed EC prekey. */
        NO_SIGNED_PREKEY,
        /** The device has neither a one-time nor a last-resort Kyber prekey. */
        NO_KYBER_PREKEY,
        /** Seed 004's emergency mode: signed prekey too old and no one-time EC prekey left. */
        NEEDS_REREGISTRATION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
