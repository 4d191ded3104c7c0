// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.bench;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.nexuslink.bench.load.DirectLoad;
import org.nexuslink.bench.load.LoadReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nexuslink bench}: load generators against a running server. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load a running server with simulated devices and report throughput and latency.",
        subcommands = {BenchCommand.Direct.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code nexuslink bench direct}. */
    @Command(name = "direct", mixinStandardHelpOptions = true, description = {
        "Pairs of devices (real identities, join, auth and WebSockets) send direct messages of",
        "opaque bytes; receivers measure send-to-receive latency and acknowledge.",
        "The server must allow the rate: set NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND on it."})
    static final class Direct implements Callable<Integer> {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "e.g. http://127.0.0.1:8080")
        URI server;

        @Option(names = "--devices", defaultValue = "20", description = "Simulated devices, half sending (default: ${DEFAULT-VALUE}).")
        int devices;

        @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS", description = "Default: ${DEFAULT-VALUE}.")
        int duration;

        @Option(names = "--rate", defaultValue = "0", paramLabel = "MSGS_PER_S",
                description = "Offered messages per second in total; 0 (default) sends as fast as acks allow.")
        int rate;

        @Option(names = "--size", defaultValue = "256", paramLabel = "BYTES", description = "Payload size (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--json", description = "Print one JSON object on standard output.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var err = spec.commandLine().getErr();
            LoadReport report = new DirectLoad(server, devices, Duration.ofSeconds(duration), rate, size,
                    delivered -> {
                        err.print("\rdelivered " + delivered);
                        err.flush();
                    }).run();
            err.println();
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(report.toJson());
            } else {
                out.printf("delivered %d in %.1f s: %.0f msgs/s; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms; "
                                + "errors %d %s%n", report.delivered(), report.seconds(), report.deliveredPerSecond(),
                        report.p50(), report.p99(), report.p999(), report.errors(), report.errorCodes());
            }
            return report.errors() == 0 ? 0 : 1;
        }
    }
}
