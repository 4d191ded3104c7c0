// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import java.io.Console;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.keystore.KdfParameters;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nexuslink admin}: administer a community. Register it as the {@code admin} sub-command of
 * the top command.
 *
 * <p>Exit codes: 0 success, 1 the operation failed or was refused (message on standard error),
 * 2 bad usage.
 */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        description = {
            "Administer a community: members, roles, bans, mutes, channels and the audit log.",
            "Acts through a running server's API as the profile's identity (which must be an admin or moderator "
                    + "there), or with --local directly on the server's database for recovery."
        },
        subcommands = {MembersCommand.class, ChannelsCommand.class, AuditCommand.class})
public final class AdminCommand implements Runnable {
    /** Environment variable with the keystore passphrase (as for {@code nexuslink id}). */
    public static final String PASSPHRASE_ENV = "NEXUSLINK_PASSPHRASE";

    private final Map<String, String> env;
    private final Clock clock;

    @Spec
    private CommandSpec spec;

    /** The command as the binary runs it: the process environment and the system clock. */
    public AdminCommand() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** The command with its environment and clock supplied, for tests. */
    public AdminCommand(Map<String, String> env, Clock clock) {
        this.env = Map.copyOf(env);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Map<String, String> env() {
        return env;
    }

    Clock clock() {
        return clock;
    }

    /** The keystore passphrase: the environment variable, else asked on the console without echo. */
    char[] passphrase() {
        Optional<String> fromEnv = Optional.ofNullable(env.get(PASSPHRASE_ENV));
        if (fromEnv.isPresent()) {
            if (fromEnv.get().isEmpty()) {
                throw new AdminFailure(PASSPHRASE_ENV + " is set but empty");
            }
            return fromEnv.get().toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new AdminFailure("no terminal to ask for the keystore passphrase; set " + PASSPHRASE_ENV);
        }
        char[] typed = console.readPassword("Keystore passphrase: ");
        if (typed == null || typed.length == 0) {
            throw new AdminFailure("the passphrase must not be empty");
        }
        return typed;
    }

    /** Argon2id costs for writes; the admin commands never write a keystore. */
    static KdfParameters kdf() {
        return KdfParameters.DEFAULT;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing sub-command: one of members, channels, audit");
    }
}
