// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.ops.Logs;

/**
 * Sends every log line of the JVM (server and clients alike) at debug level, as JSON, to a
 * fresh file for the length of each test, so a test can prove no secret ever reached a log; then
 * puts the quiet test default back. Register with {@code @RegisterExtension}.
 */
public final class DebugLogs implements BeforeEachCallback, AfterEachCallback {
    private Path file;

    @Override
    public void beforeEach(ExtensionContext context) {
        try {
            file = Files.createTempDirectory("nexuslink-logs").resolve("all.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Logs.configure(new Config.Logging("debug", Config.Logging.Format.JSON, file.toString()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Logs.configure(new Config.Logging("warn", Config.Logging.Format.PRETTY, ""));
    }

    /** This test's log file. */
    public Path file() {
        return file;
    }

    /** What has been logged so far in this test. */
    public String text() {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
