// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import java.util.Objects;
import java.util.concurrent.Callable;
import org.nexuslink.crypto.keystore.KdfParameters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nexuslink id}: the account identity of a local profile. Register it as the {@code id}
 * sub-command of the top command.
 *
 * <p>Exit codes: 0 success, 1 the operation failed (message on standard error), 2 bad usage.
 */
@Command(
        name = "id",
        description = "Create, restore, show and verify the account identity of a profile.",
        mixinStandardHelpOptions = true,
        subcommands = {IdCreateCommand.class, IdRestoreCommand.class, IdShowCommand.class, IdVerifyCodeCommand.class})
public final class IdCommand implements Callable<Integer> {
    /** Exit code of a failed operation. */
    public static final int EXIT_FAILURE = 1;

    private final Terminal terminal;
    private final KdfParameters kdf;

    @Spec
    private CommandSpec spec;

    /** The command as the nexuslink binary runs it: system console, environment, default Argon2id costs. */
    public IdCommand() {
        this(Terminal.system(), KdfParameters.DEFAULT);
    }

    /** The command with its input and Argon2id costs supplied, for embedding and tests. */
    public IdCommand(Terminal terminal, KdfParameters kdf) {
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.kdf = Objects.requireNonNull(kdf, "kdf");
    }

    Terminal terminal() {
        return terminal;
    }

    KdfParameters kdf() {
        return kdf;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing sub-command: one of create, restore, show, verify-code");
    }
}
