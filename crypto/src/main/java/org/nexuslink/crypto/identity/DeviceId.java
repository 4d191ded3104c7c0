// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.identity;

import java.security.SecureRandom;

/**
 * A device's number within its account, 1 to 127: the range libsignal accepts in a protocol
 * address. The first device of an account is {@link #PRIMARY}.
 *
 * @param value 1..127
 */
public record DeviceId(int value) implements Comparable<DeviceId> {
    public static final int MIN = 1;
    public static final int MAX = 127;
    /** The device that created the account. */
    public static final DeviceId PRIMARY = new DeviceId(1);

    public DeviceId {
        if (value < MIN || value > MAX) {
            throw new IllegalArgumentException("a device id is 1..127, got " + value);
        }
    }

    /** A random id in 2..127, for a device that joins an account whose other ids it does not know. */
    public static DeviceId random(SecureRandom random) {
        return new DeviceId(2 + random.nextInt(MAX - 1));
    }

    @Override
    public int compareTo(DeviceId o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
