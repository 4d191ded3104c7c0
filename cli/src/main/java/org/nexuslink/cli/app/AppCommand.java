// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import java.awt.Desktop;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nexuslink.cli.client.ClientEnvironment;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.profile.ProfileOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nexuslink app}: the local web app. Serves the UI and its API on 127.0.0.1 for one
 * profile (holding the profile lock), prints the one line to open, opens the browser, and runs
 * until interrupted.
 */
@Command(
        name = "app",
        mixinStandardHelpOptions = true,
        description = {
            "Run the NexusLink app in your browser: a local server on 127.0.0.1 for this profile.",
            "Prints the address to open (it carries a fresh secret token) and opens the browser. The profile "
                    + "stays locked for other nexuslink commands until the app stops (Ctrl+C)."
        })
public final class AppCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ProfileOption profile;

    @Option(
            names = "--port",
            paramLabel = "P",
            defaultValue = "0",
            description = "Port on 127.0.0.1 (default: a free one).")
    int port;

    @Option(names = "--no-browser", description = "Do not open a browser; just print the address.")
    boolean noBrowser;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port is 0 to 65535, got " + port);
        }
        ClientEnvironment environment = spec.root().userObject() instanceof ClientEnvironment.Holder holder
                ? holder.clientEnvironment()
                : ClientEnvironment.system();
        SecureRandom random = new SecureRandom();
        EventHub events = new EventHub();
        AppSession session;
        try {
            session = AppSession.open(profile.dir(), environment, random, events);
        } catch (ClientFailure e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 1;
        }
        AppServer server;
        try {
            server = AppServer.start(session, port, random);
        } catch (RuntimeException e) {
            session.close();
            spec.commandLine().getErr().println("error: cannot serve on 127.0.0.1:" + port + ": " + e.getMessage());
            return 1;
        }
        AtomicBoolean closed = new AtomicBoolean();
        Runnable stop = () -> {
            if (closed.compareAndSet(false, true)) {
                server.close();
                session.close();
            }
        };
        Thread hook = new Thread(stop, "app-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            PrintWriter out = spec.commandLine().getOut();
            out.println("open " + server.openUri());
            out.flush();
            if (!noBrowser) {
                browse(server.openUri());
            }
            new CountDownLatch(1).await(); // until Ctrl+C (the hook) or an interrupt
        } catch (InterruptedException e) {
            interrupted = true; // stopping first: Jetty's graceful stop waits, which an interrupt would cut short
        } finally {
            stop.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running or ran
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Opens the page in the user's browser; failing to is not an error (the line is printed). */
    static void browse(URI uri) {
        try {
            if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(uri);
                return;
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // no desktop here: try xdg-open
        }
        try {
            new ProcessBuilder("xdg-open", uri.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // no browser to open: the printed line is enough
        }
    }
}
