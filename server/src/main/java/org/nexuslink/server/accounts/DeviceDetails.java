// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.util.Objects;

/** What a device tells about itself at registration (seed 004): type, OS, app version, push token. */
public record DeviceDetails(String deviceType, String os, String appVersion, String pushToken) {
    public DeviceDetails {
        Objects.requireNonNull(deviceType, "deviceType");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(appVersion, "appVersion");
        Objects.requireNonNull(pushToken, "pushToken");
        if (deviceType.isEmpty() || deviceType.length() > 20) {
            throw new IllegalArgumentException("device_type must have 1 to 20 characters");
        }
        if (os.length() > 50 || appVersion.length() > 50) {
            throw new IllegalArgumentException("os and app_version have at most 50 characters");
        }
        if (pushToken.length() > 500) {
            throw new IllegalArgumentException("push_token has at most 500 characters");
        }
    }

    @Override
    public String toString() {
        return "DeviceDetails[type=" + deviceType + ", os=" + os + ", app=" + appVersion + ", pushToken=(secret)]";
    }
}
