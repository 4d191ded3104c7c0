// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.directory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.crypto.seal.SealedBox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nexuslink directory compliance-key}: the compliance team's sealing key. */
@Command(
        name = "compliance-key",
        mixinStandardHelpOptions = true,
        description = {
            "Create (or read) the compliance team's X25519 key file, readable by its owner only, and print its",
            "public half for directory.compliance_key. Keep the file with the reviewers, never on the directory."
        })
public final class ComplianceKeyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The key file (created if missing).")
    Path file;

    @Override
    public Integer call() throws Exception {
        boolean existed = Files.exists(file);
        SealedBox.KeyPair key = SealedBox.KeyPair.loadOrCreate(file, new SecureRandom());
        spec.commandLine().getErr().println(existed ? "read " + file : "created " + file);
        spec.commandLine().getOut().println(key.publicKey().base64());
        return ExitCodes.OK;
    }
}
