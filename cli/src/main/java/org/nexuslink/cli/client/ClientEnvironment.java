// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.io.Console;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.keystore.KdfParameters;

/**
 * What the client commands take from outside the command line: the environment (for
 * {@code NEXUSLINK_PASSPHRASE}), the clock, the Argon2id costs of keystores they write, and
 * whether there is a terminal to prompt on. The binary uses {@link #system()}; tests supply their
 * own.
 *
 * @param env environment variables
 * @param clock the clock for certificates and link codes
 * @param kdf Argon2id costs for new keystores
 * @param interactive whether a user can be prompted on the process's console
 * @param input standard input (confirmations)
 */
public record ClientEnvironment(
        Map<String, String> env, Clock clock, KdfParameters kdf, boolean interactive, InputStream input) {
    /** Environment variable that supplies the keystore passphrase without a prompt. */
    public static final String PASSPHRASE_ENV = "NEXUSLINK_PASSPHRASE";

    public ClientEnvironment {
        env = Map.copyOf(env);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(kdf, "kdf");
        Objects.requireNonNull(input, "input");
    }

    /** Something that holds the environment for the commands below it (the top command). */
    public interface Holder {
        ClientEnvironment clientEnvironment();
    }

    /** The process's environment, the system clock, default costs, and its console if it is a terminal. */
    public static ClientEnvironment system() {
        return new ClientEnvironment(
                System.getenv(),
                Clock.systemUTC(),
                KdfParameters.DEFAULT,
                terminal().isPresent(),
                System.in);
    }

    /** A non-interactive environment with these variables, for tests and scripts. */
    public static ClientEnvironment of(Map<String, String> env, Clock clock, KdfParameters kdf, InputStream input) {
        return new ClientEnvironment(env, clock, kdf, false, input);
    }

    Optional<String> variable(String name) {
        return Optional.ofNullable(env.get(name));
    }

    /** The process's console when it is a real terminal (never when input is redirected). */
    static Optional<Console> terminal() {
        Console c = System.console();
        if (c == null) {
            return Optional.empty();
        }
        try {
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(c) ? Optional.of(c) : Optional.empty();
        } catch (NoSuchMethodException e) {
            return Optional.of(c); // JDK 21: a non-null console is a terminal
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Console.isTerminal failed", e);
        }
    }
}
