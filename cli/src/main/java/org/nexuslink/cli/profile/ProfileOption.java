// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.profile;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --profile DIR} option, mixed into every command that works on a local profile: the
 * directory holding one identity's keystore and local data.
 */
public final class ProfileOption {
    /** Where profiles live when {@code --profile} is not given, below the user's home. */
    public static final String DEFAULT_RELATIVE = ".nexuslink/profiles/default";

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description = "Profile directory (default: ~/" + DEFAULT_RELATIVE + ").")
    private Path dir;

    /** The chosen profile directory, or the default one under {@code user.home}. */
    public Path dir() {
        return dir != null ? dir : Path.of(System.getProperty("user.home")).resolve(DEFAULT_RELATIVE);
    }
}
