// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the id commands read secrets from: an interactive console when there is one, else
 * standard input and the environment. The only place the CLI reads {@code NEXUSLINK_PASSPHRASE}.
 */
public final class Terminal {
    /** Environment variable that supplies the keystore passphrase without a prompt. */
    public static final String PASSPHRASE_ENV = "NEXUSLINK_PASSPHRASE";

    /** A console the user types into. */
    public interface Interactive {
        /** Reads a line without echoing it. */
        char[] readSecret(String prompt);

        /** Reads a line, echoed. */
        String readLine(String prompt);
    }

    private final Interactive console; // null when standard input is not a terminal
    private final InputStream stdin;
    private final Map<String, String> env;

    private Terminal(Interactive console, InputStream stdin, Map<String, String> env) {
        this.console = console;
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.env = Map.copyOf(env);
    }

    /** The process's console, standard input and environment. */
    public static Terminal system() {
        return new Terminal(systemConsole().orElse(null), System.in, System.getenv());
    }

    /** A terminal with no console: input comes from {@code stdin}, the passphrase from {@code env}. */
    public static Terminal nonInteractive(InputStream stdin, Map<String, String> env) {
        return new Terminal(null, stdin, env);
    }

    /** A terminal whose user types into {@code console}. */
    public static Terminal interactive(Interactive console, Map<String, String> env) {
        return new Terminal(Objects.requireNonNull(console, "console"), InputStream.nullInputStream(), env);
    }

    Optional<Interactive> console() {
        return Optional.ofNullable(console);
    }

    Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name));
    }

    /** All of standard input, for words piped in by a script. */
    String readAllStdin() {
        try {
            return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Interactive> systemConsole() {
        Console c = System.console();
        if (c == null || !isTerminal(c)) {
            return Optional.empty();
        }
        return Optional.of(new Interactive() {
            @Override
            public char[] readSecret(String prompt) {
                char[] line = c.readPassword("%s", prompt);
                return line != null ? line : new char[0];
            }

            @Override
            public String readLine(String prompt) {
                String line = c.readLine("%s", prompt);
                return line != null ? line : "";
            }
        });
    }

    /**
     * From JDK 22 on, System.console() is non-null even when input is redirected, and
     * Console.isTerminal() tells the two apart; the code is compiled for 21, so ask reflectively.
     */
    private static boolean isTerminal(Console c) {
        try {
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(c);
        } catch (NoSuchMethodException e) {
            return true; // JDK 21: a non-null console is a terminal
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Console.isTerminal failed", e);
        }
    }
}
