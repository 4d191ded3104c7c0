// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Objects;
import org.nexuslink.server.config.Config;
import org.slf4j.LoggerFactory;

/**
 * Points Logback at the configured level, format and destination. Called once at start, before
 * the server logs anything of its own; the default (pretty, info, standard error) from the
 * bundled logback.xml applies until then.
 */
public final class Logs {
    private static final String PRETTY = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg %kvp%n%ex";

    private Logs() {}

    /**
     * Replaces the root logger's appenders with one that follows {@code logging}.
     *
     * @param logging the {@code [logging]} table
     */
    public static void configure(Config.Logging logging) {
        Objects.requireNonNull(logging, "logging");
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend is bound (e.g. in an embedding application): leave it alone
        }
        Encoder<ILoggingEvent> encoder = switch (logging.format()) {
            case JSON -> {
                JsonEncoder json = new JsonEncoder();
                json.setWithSequenceNumber(false);
                json.setWithNanoseconds(false);
                json.setWithContext(false);
                json.setWithFormattedMessage(true);
                json.setWithArguments(false);
                json.setWithMessage(false);
                yield json;
            }
            case PRETTY -> {
                PatternLayoutEncoder pattern = new PatternLayoutEncoder();
                pattern.setPattern(PRETTY);
                yield pattern;
            }
        };
        encoder.setContext(context);
        encoder.start();

        OutputStreamAppender<ILoggingEvent> appender = logging.filePath()
                .<OutputStreamAppender<ILoggingEvent>>map(path -> {
                    FileAppender<ILoggingEvent> file = new FileAppender<>();
                    file.setFile(path.toString());
                    file.setAppend(true);
                    return file;
                })
                .orElseGet(() -> {
                    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
                    console.setTarget("System.out");
                    return console;
                });
        appender.setName("nexuslink");
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        Level level = Level.toLevel(logging.level(), Level.INFO);
        root.setLevel(level);
        // Libraries chatter at info about their own internals; operators want ours unless debugging.
        Level libraries = level.isGreaterOrEqual(Level.INFO) ? Level.WARN : level;
        for (String chatty : new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.netty"}) {
            context.getLogger(chatty).setLevel(libraries);
        }
    }
}
