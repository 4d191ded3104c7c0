// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.directory;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.cli.client.ClientCommand;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.server.ServerOptions;
import org.nexuslink.client.directory.DirectoryClient;
import org.nexuslink.client.directory.DirectoryException;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.crypto.seal.SealedBox;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.ApiJson;
import org.nexuslink.protocol.directory.KycMaterials;
import org.nexuslink.protocol.directory.KycStatus;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.directory.KycStore;
import org.nexuslink.server.http.ApiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nexuslink directory kyc}: seed 000's KYC flow, as the account and as a reviewer. */
@Command(
        name = "kyc",
        mixinStandardHelpOptions = true,
        description = {
            "KYC at a directory: `request` and `status` as this profile's account;",
            "`list`, `show`, `approve`, `reject` as a reviewer on the directory's database."
        },
        subcommands = {
            KycCommand.Request.class,
            KycCommand.Status.class,
            KycCommand.ListPending.class,
            KycCommand.Show.class,
            KycCommand.Approve.class,
            KycCommand.Reject.class
        })
public final class KycCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The account side: signs with the profile's device. */
    abstract static class AccountCommand extends ClientCommand {
        @Option(names = "--directory", required = true, paramLabel = "URL", description = "The directory's base URL.")
        URI directory;

        DirectoryClient.Signer signer(VaultContents keys) {
            return new DirectoryClient.Signer(keys.accountId(), keys.deviceKey(), keys.certificate());
        }

        DirectoryClient connect() throws Exception {
            return DirectoryClient.connect(
                    directory, Optional.empty(), environment().clock(), random);
        }

        void print(KycStatus status) {
            out().println("KYC of " + status.account() + ": " + status.status()
                    + status.reason()
                            .map(r -> " (" + TerminalText.safe(r) + ")")
                            .orElse(""));
        }

        static ClientFailure refused(DirectoryException e) {
            return new ClientFailure("the directory refused: " + e.code() + ": " + e.getMessage());
        }
    }

    /** {@code kyc request}. */
    @Command(
            name = "request",
            mixinStandardHelpOptions = true,
            description = {
                "Request KYC for this profile's account: the materials are sealed to the directory's compliance",
                "key on this machine (the directory stores only ciphertext) and wait for a reviewer."
            })
    static final class Request extends AccountCommand {
        @Option(
                names = "--material",
                required = true,
                paramLabel = "NAME=FILE",
                description = "A required material and its file (e.g. government_id=passport.jpg); repeat.")
        Map<String, Path> materials = new LinkedHashMap<>();

        @Override
        protected void run() throws Exception {
            VaultContents keys = unlock();
            Map<String, byte[]> files = new LinkedHashMap<>();
            for (Map.Entry<String, Path> m : materials.entrySet()) {
                files.put(m.getKey(), Files.readAllBytes(m.getValue()));
            }
            try {
                print(connect().requestKyc(signer(keys), files));
            } catch (DirectoryException e) {
                throw refused(e);
            }
        }
    }

    /** {@code kyc status}. */
    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show this profile's account's KYC status.")
    static final class Status extends AccountCommand {
        @Override
        protected void run() throws Exception {
            VaultContents keys = unlock();
            try {
                print(connect().kycStatus(signer(keys)));
            } catch (DirectoryException e) {
                throw refused(e);
            }
        }
    }

    /** A reviewer command on the directory's database. */
    abstract static class ReviewerCommand implements Callable<Integer> {
        @Mixin
        ServerOptions options;

        @Spec
        CommandSpec spec;

        abstract void run(ReviewerDatabase directory) throws Exception;

        @Override
        public Integer call() throws Exception {
            try (ReviewerDatabase directory = ReviewerDatabase.open(options)) {
                run(directory);
                return ExitCodes.OK;
            } catch (ApiException e) {
                spec.commandLine()
                        .getErr()
                        .println("nexuslink: " + e.code().code() + ": " + TerminalText.safe(e.getMessage()));
                return ExitCodes.FAILURE;
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    /** {@code kyc list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List KYC requests waiting for a reviewer, oldest first.")
    static final class ListPending extends ReviewerCommand {
        @Override
        void run(ReviewerDatabase directory) {
            List<KycStore.Request> pending = directory.services().kyc().pending();
            if (pending.isEmpty()) {
                out().println("No KYC requests pending.");
            }
            for (KycStore.Request r : pending) {
                out().println(r.account() + "  submitted "
                        + r.submittedAt().map(Object::toString).orElse("-") + "  "
                        + r.materials().map(m -> m.length + " sealed bytes").orElse(""));
            }
        }
    }

    /** {@code kyc show}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Open a pending request's materials with the compliance private key (kept in the reviewer's profile,",
                "never on the directory) and write them to --out; lists their names and sizes."
            })
    static final class Show extends ReviewerCommand {
        @Parameters(index = "0", paramLabel = "ACCOUNT")
        String account;

        @Option(
                names = "--compliance-key",
                required = true,
                paramLabel = "FILE",
                description = "The compliance private key file (nexuslink directory compliance-key).")
        Path complianceKey;

        @Option(names = "--out", paramLabel = "DIR", description = "Write each material to a file here.")
        Path outDir;

        @Override
        void run(ReviewerDatabase directory) throws Exception {
            KycStore.Request request = directory
                    .services()
                    .kyc()
                    .find(account)
                    .orElseThrow(() ->
                            new CommandLine.ParameterException(spec.commandLine(), "no KYC request for " + account));
            byte[] sealed = request.materials()
                    .orElseThrow(() -> new CommandLine.ParameterException(
                            spec.commandLine(),
                            "the request of " + account + " is "
                                    + request.state().wire() + "; only pending requests hold materials"));
            byte[] opened;
            try {
                opened = SealedBox.open(
                        SealedBox.KeyPair.load(complianceKey),
                        SigningDomains.KYC_MATERIALS,
                        account.getBytes(StandardCharsets.UTF_8),
                        sealed);
            } catch (InvalidCipherTextException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "the materials do not open with this compliance key, or were altered");
            }
            KycMaterials materials = ApiJson.tolerant().readValue(opened, KycMaterials.class);
            if (outDir != null) {
                Files.createDirectories(outDir);
            }
            for (Map.Entry<String, Bytes> m : materials.files().entrySet()) {
                byte[] bytes = m.getValue().toByteArray();
                String name = m.getKey().replaceAll("[^A-Za-z0-9_-]", "_");
                out().println(name + ": " + bytes.length + " bytes");
                if (outDir != null) {
                    Files.write(outDir.resolve(name), bytes);
                }
            }
        }
    }

    /** {@code kyc approve}. */
    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = "Approve a pending request (its materials are deleted).")
    static final class Approve extends ReviewerCommand {
        @Parameters(index = "0", paramLabel = "ACCOUNT")
        String account;

        @Override
        void run(ReviewerDatabase directory) {
            directory.services().kyc().decide(account, KycStore.State.APPROVED, Optional.empty());
            out().println("Approved " + account);
        }
    }

    /** {@code kyc reject}. */
    @Command(
            name = "reject",
            mixinStandardHelpOptions = true,
            description = "Reject a pending request (its materials are deleted).")
    static final class Reject extends ReviewerCommand {
        @Parameters(index = "0", paramLabel = "ACCOUNT")
        String account;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Shown to the account.")
        String reason;

        @Override
        void run(ReviewerDatabase directory) {
            directory.services().kyc().decide(account, KycStore.State.REJECTED, Optional.of(reason));
            out().println("Rejected " + account);
        }
    }
}
