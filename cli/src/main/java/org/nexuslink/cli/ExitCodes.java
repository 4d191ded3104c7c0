// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import org.nexuslink.server.config.ConfigException;
import picocli.CommandLine;

/** Process exit codes shared by every command. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The operation failed at run time (database unreachable, port taken, ...). */
    public static final int FAILURE = 1;
    /** The configuration or the command line is invalid. */
    public static final int USAGE = 2;

    private ExitCodes() {}

    /** Prints a one-line error instead of a stack trace, with the exit code that fits the failure. */
    static final class Handler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            if (e instanceof ConfigException config) {
                cmd.getErr()
                        .println("nexuslink: invalid configuration: "
                                + TerminalText.safe(String.valueOf(config.getMessage())));
                return USAGE;
            }
            cmd.getErr()
                    .println("nexuslink: " + TerminalText.safe(e.getMessage() == null ? e.toString() : e.getMessage()));
            return FAILURE;
        }
    }
}
