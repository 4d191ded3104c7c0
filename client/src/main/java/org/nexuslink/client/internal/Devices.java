// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.session.DirectMessenger;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceRevocation;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.DevicesApi;

/** This account's devices on the community: registering a linked one, removing one. On the worker. */
public final class Devices {
    private final VaultContents keys;
    private final LocalDevice me;
    private final Clock clock;
    private final DirectMessenger direct;
    private final String deviceType;
    private final KeyLogWatch keyLog;

    Devices(
            VaultContents keys,
            LocalDevice me,
            Clock clock,
            DirectMessenger direct,
            String deviceType,
            KeyLogWatch keyLog) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.me = Objects.requireNonNull(me, "me");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.direct = Objects.requireNonNull(direct, "direct");
        this.deviceType = Objects.requireNonNull(deviceType, "deviceType");
        this.keyLog = Objects.requireNonNull(keyLog, "keyLog");
    }

    /** Registers a device certified by this account's identity key, then learns the account's devices again. */
    public void register(CommunityApi api, String token, DeviceCertificate certificate) throws Exception {
        keyLog.expectOwnChange(certificate.devicePublicKeyBytes());
        api.perform(
                ApiRoute.DEVICE_REGISTER,
                new DevicesApi.RegisterRequest(
                        Bytes.of(certificate.encoded()), deviceType, CommunityApi.operatingSystem(), null, null),
                token);
        direct.refreshOwnDevices(api, token);
    }

    /**
     * Removes a device: this one needs nothing more; another needs the identity key, which signs
     * a revocation of the certificate the server lists for it (checked against the account
     * first). The revocation is kept locally too, so this client never writes to that key again
     * whatever the server says later.
     */
    public void remove(CommunityApi api, String token, int deviceId) throws Exception {
        if (deviceId == me.deviceId()) {
            keyLog.expectOwnChange(keys.deviceKey().publicKeyBytes());
            api.perform(ApiRoute.DEVICE_REMOVE, null, token, deviceId);
            return;
        }
        AccountIdentity identity = keys.identity()
                .orElseThrow(() -> new IOException("only the device holding "
                        + "the account's identity key can remove another device; this one can remove only itself"));
        DeviceCertificate certificate = listedCertificate(api, token, deviceId);
        DeviceRevocation revocation = identity.revoke(certificate, clock.instant());
        keyLog.expectOwnChange(certificate.devicePublicKeyBytes());
        api.perform(
                ApiRoute.DEVICE_REMOVE, new DevicesApi.RemoveRequest(Bytes.of(revocation.encoded())), token, deviceId);
        direct.learn(revocation);
        direct.forgetDevice(me.accountId(), deviceId);
    }

    /** The certificate the server lists for one of this account's devices, verified against the account. */
    private DeviceCertificate listedCertificate(CommunityApi api, String token, int deviceId)
            throws IOException, InterruptedException {
        for (DevicesApi.DeviceView d : api.devices(token).devices()) {
            if (d.deviceId() == deviceId && d.certificate() != null) {
                try {
                    DeviceCertificate certificate =
                            DeviceCertificate.verify(d.certificate().toByteArray(), me.account(), clock);
                    if (certificate.deviceId().value() == deviceId) {
                        return certificate;
                    }
                } catch (InvalidCertificateException | IllegalArgumentException e) {
                    throw new IOException(
                            "the server lists device " + deviceId + " with a certificate that does not " + "verify: "
                                    + e.getMessage(),
                            e);
                }
            }
        }
        throw new IOException("the account has no active device " + deviceId);
    }
}
