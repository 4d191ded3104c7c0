// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.nexuslink.client.NexusClient;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.InvalidCertificateException;
import org.nexuslink.crypto.identity.InvalidLinkRequestException;
import org.nexuslink.crypto.identity.LinkRequest;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KeystoreException;
import org.nexuslink.crypto.keystore.Passphrase;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code nexuslink device link}: adds a device to an account without the recovery words, in three
 * steps (docs/client.md): the new device makes a key and shows a link code; a device that holds
 * the identity key certifies it and registers it with the community; the new device stores the
 * certificate and becomes a profile of the account.
 */
@Command(
        name = "link",
        mixinStandardHelpOptions = true,
        description = {
            "Link a new device to an account: `request` on the new device, `approve` on the device "
                    + "holding the identity key, `finish` on the new device, then `community join` there."
        },
        subcommands = {DeviceLinkCommand.Request.class, DeviceLinkCommand.Approve.class, DeviceLinkCommand.Finish.class
        })
public final class DeviceLinkCommand implements Runnable {
    /** Where the new device keeps its key between {@code request} and {@code finish}, sealed. */
    public static final String PENDING_FILE = "link-pending.keystore";
    /** The prefix of a certificate code. */
    public static final String CERTIFICATE_PREFIX = "NXLCERT1:";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing sub-command: one of request, approve, finish");
    }

    /** The certificate as a code to type or paste on the new device. */
    public static String certificateCode(DeviceCertificate certificate) {
        return CERTIFICATE_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(certificate.encoded());
    }

    /**
     * Parses and verifies a certificate code: it must be signed by the account key it names and
     * valid now.
     */
    static DeviceCertificate parseCertificateCode(String code, Clock clock) {
        String text = code.strip();
        if (!text.startsWith(CERTIFICATE_PREFIX)) {
            throw new ClientFailure("not a certificate code: it starts with " + CERTIFICATE_PREFIX);
        }
        try {
            byte[] encoded = Base64.getUrlDecoder().decode(text.substring(CERTIFICATE_PREFIX.length()));
            DeviceCertificate unverified = DeviceCertificate.decodeUnverified(encoded);
            return DeviceCertificate.verify(encoded, unverified.accountId(), clock);
        } catch (IllegalArgumentException e) {
            throw new ClientFailure("not a certificate code: it is not base64url after " + CERTIFICATE_PREFIX);
        } catch (InvalidCertificateException e) {
            throw new ClientFailure("the certificate code is not valid: " + e.getMessage());
        }
    }

    /**
     * The pending key's keystore. {@link FileKeyVault} seals a device key only together with a
     * certificate, so until the account's certificate arrives the key is certified by a throwaway
     * placeholder identity, which is never used for anything else: the seal (Argon2id +
     * AES-256-GCM under the passphrase) is the keystore's own.
     */
    static FileKeyVault pendingVault(
            Path profileDir, Passphrase passphrase, ClientEnvironment env, java.security.SecureRandom random) {
        return new FileKeyVault(profileDir.resolve(PENDING_FILE), passphrase, env.kdf(), random);
    }

    /** {@code nexuslink device link request}: on the new device. */
    @Command(
            name = "request",
            mixinStandardHelpOptions = true,
            description = {
                "On the NEW device: make its device key and print a link code to approve on a device "
                        + "that holds the account's identity key. The key is kept sealed under the passphrase in the "
                        + "profile until `device link finish`. The code is valid for 10 minutes."
            })
    public static final class Request extends ClientCommand {
        @Override
        protected void run() throws Exception {
            if (Files.exists(keystoreFile())) {
                throw new ClientFailure("profile " + profileDir() + " already has an identity; a new device needs "
                        + "a new profile (use another --profile). Nothing was changed.");
            }
            Files.createDirectories(profileDir());
            try (ProfileLock lock = ProfileLock.acquire(profileDir());
                    Passphrase passphrase = readPassphrase(true)) {
                LinkRequest request = DeviceLink.request(profileDir(), passphrase, environment(), random);
                out().println("Link code (valid until " + request.expiresAt() + "):");
                out().println(request.toCode());
                out().println();
                out().println("On a device that holds the account's identity key, run:");
                out().println("  nexuslink device link approve <code>");
                out().println("then here: nexuslink device link finish <certificate code>");
            } catch (KeystoreException e) {
                throw new ClientFailure(e.getMessage());
            }
        }
    }

    /** {@code nexuslink device link approve <code>}: on the device holding the identity key. */
    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = {
                "On the device that holds the identity key: certify the new device of a link code, "
                        + "register it with the community, and print the certificate code to finish with on the new device."
            })
    public static final class Approve extends ClientCommand {
        @Parameters(index = "0", paramLabel = "LINK-CODE", description = "The NXLINK1:... code the new device printed.")
        String code;

        @Override
        protected void run() throws Exception {
            LinkRequest request;
            try {
                request = LinkRequest.parse(code);
            } catch (InvalidLinkRequestException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "LINK-CODE: " + e.getMessage());
            }
            try (Session session = session(true)) {
                NexusClient client = session.client();
                DeviceCertificate certificate = DeviceApproval.approve(
                        client, session.keys(), request, environment().clock());
                out().println("Approved device " + certificate.deviceId() + " for " + certificate.accountId()
                        + " and registered it with " + client.community().orElseThrow() + ".");
                out().println("Certificate code (run on the new device: nexuslink device link finish <code>):");
                out().println(certificateCode(certificate));
            }
        }
    }

    /** {@code nexuslink device link finish <certificate code>}: on the new device. */
    @Command(
            name = "finish",
            mixinStandardHelpOptions = true,
            description = {
                "On the NEW device: store the certificate from `device link approve` with the pending "
                        + "key; the profile is then a device of the account (without its identity key). "
                        + "Next: nexuslink community join <url>."
            })
    public static final class Finish extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CERTIFICATE-CODE", description = "The NXLCERT1:... code.")
        String code;

        @Override
        protected void run() throws Exception {
            // What can be refused without the passphrase is, before it is asked.
            parseCertificateCode(code, environment().clock());
            DeviceLink.requireFinishable(profileDir());
            try (ProfileLock lock = ProfileLock.acquire(profileDir());
                    Passphrase passphrase = readPassphrase(false)) {
                DeviceCertificate certificate = DeviceLink.finish(profileDir(), passphrase, code, environment(), random)
                        .certificate();
                out().println("Account id: " + certificate.accountId());
                out().println("Device:     " + certificate.deviceId());
                out().println("Profile:    " + profileDir());
                out().println("Next: nexuslink community join <url> --profile " + profileDir());
            } catch (KeystoreException e) {
                throw new ClientFailure(e.getMessage());
            }
        }
    }
}
