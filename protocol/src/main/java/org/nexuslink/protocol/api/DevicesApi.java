// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.util.List;
import org.nexuslink.protocol.Bytes;

/** The bodies of {@code /api/v1/devices} (docs/api.md). */
public final class DevicesApi {
    private DevicesApi() {}

    /** {@code POST /api/v1/devices/register}; the fields after the certificate may be null. */
    public record RegisterRequest(
            Bytes deviceCertificate, String deviceType, String os, String appVersion, String pushToken) {
        @Override
        public String toString() {
            return "RegisterRequest[" + deviceType + ", " + os + "]";
        }
    }

    /** One of the caller's devices. */
    public record DeviceView(
            int deviceId,
            Bytes certificate,
            String deviceType,
            String os,
            String appVersion,
            String registeredAt,
            String lastActiveAt) {}

    /** {@code GET /api/v1/devices}: the devices and the account's device revocations. */
    public record DeviceList(List<DeviceView> devices, List<Bytes> revocations) {
        public DeviceList {
            devices = devices == null ? List.of() : List.copyOf(devices);
            revocations = revocations == null ? List.of() : List.copyOf(revocations);
        }
    }

    /** The optional body of {@code DELETE /api/v1/devices/{device_id}}: the signed revocation. */
    public record RemoveRequest(Bytes revocation) {}
}
