// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nexuslink.client.NexusClient;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.InvalidLinkRequestException;
import org.nexuslink.crypto.identity.LinkRequest;
import org.nexuslink.crypto.keystore.VaultContents;

/**
 * The account side of a device's life, as {@code nexuslink device link approve}, {@code device
 * remove} and the local app do it: approving a new device's link request with the identity key,
 * and removing a device. Refusals are {@link ClientFailure}s, thrown before anything changed.
 */
public final class DeviceApproval {
    private DeviceApproval() {}

    /**
     * Certifies the device of a link request with the account's identity key, registers it with
     * the community and returns its certificate (for {@link DeviceLinkCommand#certificateCode}).
     * A request is approved once: the profile remembers its nonce.
     *
     * @throws ClientFailure when this profile has no identity key, the request was approved before
     *     or is not valid now
     */
    public static DeviceCertificate approve(NexusClient client, VaultContents keys, LinkRequest request, Clock clock)
            throws IOException {
        AccountIdentity identity = keys.identity()
                .orElseThrow(() -> new ClientFailure(
                        "this profile has no identity key (it is a linked device); approve on the device that "
                                + "created or restored the account"));
        String approvedKey = "cli.link.approved:" + HexFormat.of().formatHex(request.nonce());
        if (client.store().settings().get(approvedKey).isPresent()) {
            throw new ClientFailure("this link code was approved already; show a fresh code on the new device");
        }
        Set<DeviceId> taken = new HashSet<>();
        client.devices().devices().forEach(d -> taken.add(new DeviceId(d.deviceId())));
        DeviceCertificate certificate;
        try {
            certificate = identity.approveLink(request, clock, taken, Optional.empty());
        } catch (InvalidLinkRequestException e) {
            throw new ClientFailure(e.getMessage());
        }
        client.registerDevice(certificate);
        client.store().settings().put(approvedKey, new byte[] {1});
        return certificate;
    }

    /**
     * Removes one of the account's devices: this one, or another when this profile holds the
     * identity key (which signs the revocation).
     *
     * @throws ClientFailure when the account has no such active device, or this linked device
     *     tries to remove another
     */
    public static void remove(NexusClient client, VaultContents keys, int deviceId) throws IOException {
        List<Integer> ids = new ArrayList<>();
        client.devices().devices().forEach(d -> ids.add(d.deviceId()));
        if (!ids.contains(deviceId)) {
            throw new ClientFailure("the account has no active device " + deviceId + "; devices: " + ids);
        }
        int me = client.device().deviceId();
        if (deviceId != me && keys.identity().isEmpty()) {
            throw new ClientFailure("this device has no identity key (it is a linked device): it can remove "
                    + "only itself (`device remove " + me + "`); remove "
                    + "device " + deviceId + " from the device that holds the identity key");
        }
        client.removeDevice(deviceId);
    }
}
