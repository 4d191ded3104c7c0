// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.LinkRequest;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KeystoreException;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;

/**
 * The new device's side of linking, as {@code nexuslink device link request} / {@code finish} and
 * the local app do it: making the device key and its link code, then storing the account's
 * certificate with that key as the profile's keystore. {@link DeviceApproval} is the other side.
 *
 * <p>The caller holds the profile's {@link ProfileLock}. Refusals are {@link ClientFailure}s (or
 * a {@link KeystoreException} for a wrong passphrase), thrown before anything changed.
 */
public final class DeviceLink {
    private DeviceLink() {}

    /** Whether the profile waits for a certificate: a pending key and no keystore yet. */
    public static boolean pending(Path profileDir) {
        return Files.exists(profileDir.resolve(DeviceLinkCommand.PENDING_FILE))
                && !Files.exists(profileDir.resolve(FileKeyVault.FILE_NAME));
    }

    /**
     * @throws ClientFailure unless the profile has a pending request and no identity
     */
    public static void requireFinishable(Path profileDir) {
        if (!Files.exists(profileDir.resolve(DeviceLinkCommand.PENDING_FILE))) {
            throw new ClientFailure(
                    "no pending link in profile " + profileDir + "; run `nexuslink device link request` there first");
        }
        if (Files.exists(profileDir.resolve(FileKeyVault.FILE_NAME))) {
            throw new ClientFailure("profile " + profileDir + " already has an identity; nothing was changed");
        }
    }

    /**
     * Makes a device key and id, seals the key under {@code passphrase} in the pending keystore
     * (replacing an earlier pending request, whatever its passphrase) and returns the link code
     * to approve on a device that holds the identity key.
     *
     * @throws ClientFailure when the profile has an identity already
     */
    public static LinkRequest request(
            Path profileDir, Passphrase passphrase, ClientEnvironment env, SecureRandom random)
            throws IOException, KeystoreException {
        if (Files.exists(profileDir.resolve(FileKeyVault.FILE_NAME))) {
            throw new ClientFailure("profile " + profileDir + " already has an identity; a new device needs "
                    + "a new profile (use another --profile). Nothing was changed.");
        }
        Files.createDirectories(profileDir);
        Clock clock = env.clock();
        DeviceKeyPair device = DeviceKeyPair.generate();
        DeviceId id = DeviceId.random(random);
        // FileKeyVault seals a device key only with a certificate: until the account's arrives, a
        // throwaway placeholder identity certifies it, used for nothing else.
        AccountIdentity placeholder = AccountIdentity.generate();
        DeviceCertificate placeholderCertificate =
                placeholder.certify(id, device.publicKey(), clock.instant(), Optional.empty());
        VaultContents contents = new VaultContents(
                placeholder.accountId(), Optional.empty(), Optional.empty(), device, placeholderCertificate);
        Path pendingFile = profileDir.resolve(DeviceLinkCommand.PENDING_FILE);
        Path fresh = profileDir.resolve(DeviceLinkCommand.PENDING_FILE + ".new");
        Files.deleteIfExists(fresh);
        try {
            new FileKeyVault(fresh, passphrase, env.kdf(), random).create(contents);
            Files.move(fresh, pendingFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(fresh);
        }
        return LinkRequest.create(device, id, clock, LinkRequest.DEFAULT_TTL, random);
    }

    /**
     * Stores the certificate of a {@code certificateCode} with the pending key as the profile's
     * keystore (under the same passphrase) and removes the pending keystore; returns the keys.
     *
     * @throws ClientFailure when the code is not a valid certificate, is for another key, there is
     *     no pending request or the profile has an identity already
     * @throws KeystoreException when the passphrase does not open the pending keystore
     */
    public static VaultContents finish(
            Path profileDir, Passphrase passphrase, String certificateCode, ClientEnvironment env, SecureRandom random)
            throws IOException, KeystoreException {
        DeviceCertificate certificate = DeviceLinkCommand.parseCertificateCode(certificateCode, env.clock());
        requireFinishable(profileDir);
        VaultContents pending = DeviceLinkCommand.pendingVault(profileDir, passphrase, env, random)
                .load();
        if (!Arrays.equals(
                        certificate.devicePublicKeyBytes(), pending.deviceKey().publicKeyBytes())
                || !certificate.deviceId().equals(pending.deviceId())) {
            throw new ClientFailure(
                    "this certificate is for another device (or an older link code); nothing was changed");
        }
        VaultContents keys = new VaultContents(
                certificate.accountId(), Optional.empty(), Optional.empty(), pending.deviceKey(), certificate);
        FileKeyVault.inProfile(profileDir, passphrase, env.kdf(), random).create(keys);
        Files.delete(profileDir.resolve(DeviceLinkCommand.PENDING_FILE));
        return keys;
    }
}
