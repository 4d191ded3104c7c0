// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.time.Instant;
import java.util.Objects;
import org.nexuslink.crypto.identity.DeviceCertificate;

/** A registered, unrevoked device of a member, with its verified certificate. */
public record Device(
        DeviceCertificate certificate,
        String deviceType,
        String os,
        String appVersion,
        Instant registeredAt,
        Instant lastActiveAt) {
    public Device {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(deviceType, "deviceType");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(appVersion, "appVersion");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(lastActiveAt, "lastActiveAt");
    }
}
