// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.bench;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.nexuslink.bench.load.ChannelLoad;
import org.nexuslink.bench.load.DirectLoad;
import org.nexuslink.bench.load.IdleLoad;
import org.nexuslink.bench.load.LoadReport;
import org.nexuslink.bench.load.OfflineLoad;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nexuslink bench}: load generators against a running server (docs/benchmarks.md says
 * how the server must be configured for each and holds the measured figures).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Load a running server with simulated devices and report throughput and latency.",
        subcommands = {
            BenchCommand.Direct.class,
            BenchCommand.Channel.class,
            BenchCommand.Idle.class,
            BenchCommand.Offline.class,
            DirectoryBench.class
        })
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every mode takes. */
    static final class Common {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "e.g. http://127.0.0.1:8080")
        URI server;

        @Option(
                names = "--duration",
                defaultValue = "10",
                paramLabel = "SECONDS",
                description = "Default: ${DEFAULT-VALUE}.")
        int duration;

        @Option(
                names = "--size",
                defaultValue = "256",
                paramLabel = "BYTES",
                description = "Payload size (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(
                names = "--threads",
                defaultValue = "1",
                description = "Load generator I/O threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--json", description = "Print one JSON object on standard output.")
        boolean json;

        /** Refuses values no mode can run with, as a usage error (exit code 2). */
        void validate(CommandSpec spec, int devices, int minDevices) {
            if (duration < 1 || threads < 1 || size < 16 || size > 512 * 1024) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--duration and --threads must be at least 1, --size from 16 to 524288 bytes");
            }
            if (devices < minDevices) {
                throw new ParameterException(spec.commandLine(), "--devices must be at least " + minDevices);
            }
        }
    }

    /** Prints the report and returns the exit code: 0 without errors. */
    static int report(CommandSpec spec, Common common, LoadReport report) {
        spec.commandLine().getErr().println();
        PrintWriter out = spec.commandLine().getOut();
        out.println(common.json ? report.toJson() : report.summary());
        out.flush();
        return report.errors() == 0 ? 0 : 1;
    }

    static void progress(CommandSpec spec, String text) {
        PrintWriter err = spec.commandLine().getErr();
        err.print("\r" + text + "          ");
        err.flush();
    }

    /** {@code nexuslink bench direct}. */
    @Command(
            name = "direct",
            mixinStandardHelpOptions = true,
            description = {
                "Pairs of devices (real identities, join, auth and WebSockets) send direct messages of",
                "opaque bytes; receivers measure send-to-receive latency and acknowledge.",
                "The server must allow the rate: lift its limits as docs/benchmarks.md says",
                "(NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND, NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND,",
                "NEXUSLINK_LIMITS_CONNECTIONS_PER_IP)."
            })
    static final class Direct implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(
                names = "--devices",
                defaultValue = "20",
                description = "Simulated devices, half sending (default: ${DEFAULT-VALUE}).")
        int devices;

        @Option(
                names = "--rate",
                defaultValue = "0",
                paramLabel = "MSGS_PER_S",
                description = "Offered messages per second in total; 0 (default) sends as fast as acks allow.")
        int rate;

        @Option(
                names = "--warmup",
                defaultValue = "0",
                paramLabel = "SECONDS",
                description =
                        "Run the load this long before --duration starts; not measured (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(
                names = "--sender-server",
                paramLabel = "URL",
                description = "Connect the senders to this other node of the same cluster (receivers stay on --server),"
                        + " so every message crosses nodes through Redis.")
        URI senderServer;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            common.validate(spec, devices, 2);
            if (rate < 0 || warmup < 0) {
                throw new ParameterException(spec.commandLine(), "--rate and --warmup must not be negative");
            }
            LoadReport report = new DirectLoad(
                            common.server,
                            Optional.ofNullable(senderServer),
                            devices,
                            Duration.ofSeconds(warmup),
                            Duration.ofSeconds(common.duration),
                            rate,
                            common.size,
                            common.threads,
                            delivered -> progress(spec, "delivered " + delivered))
                    .run();
            return report(spec, common, report);
        }
    }

    /** {@code nexuslink bench channel}. */
    @Command(
            name = "channel",
            mixinStandardHelpOptions = true,
            description = {
                "Devices connect; one sends text events to a channel all may write; every device records",
                "when each event reaches it. Reports fan-out time (send to the last device) and deliveries/s.",
                "Create the channel first: nexuslink admin --local --data-dir DIR channels create bench"
            })
    static final class Channel implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--channel", required = true, paramLabel = "UUID", description = "The channel to send to.")
        UUID channel;

        @Option(
                names = "--devices",
                defaultValue = "100",
                description = "Connected members, the sender included (default: ${DEFAULT-VALUE}).")
        int devices;

        @Option(
                names = "--rate",
                defaultValue = "0",
                paramLabel = "EVENTS_PER_S",
                description = "Events per second; 0 (default) sends each once the previous reached everyone.")
        int rate;

        @Option(
                names = "--source-addresses",
                defaultValue = "0",
                paramLabel = "K",
                description = "Spread connections over 127.0.0.1 .. 127.0.0.K (default: the system's choice).")
        int sources;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            common.validate(spec, devices, 1);
            if (rate < 0 || sources < 0) {
                throw new ParameterException(spec.commandLine(), "--rate and --source-addresses must not be negative");
            }
            LoadReport report = new ChannelLoad(
                            common.server,
                            channel,
                            devices,
                            Duration.ofSeconds(common.duration),
                            rate,
                            common.size,
                            common.threads,
                            sources,
                            delivered -> progress(spec, "delivered " + delivered))
                    .run();
            return report(spec, common, report);
        }
    }

    /** {@code nexuslink bench idle}. */
    @Command(
            name = "idle",
            mixinStandardHelpOptions = true,
            description = {
                "Opens --devices idle authenticated WebSockets, holds them for --duration seconds (the",
                "second memory reading is at its end, the first --settle seconds after the joins) and reports",
                "how many stayed open and the server's resident memory before and after (Linux, local server).",
                "Joining many identities needs NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND,",
                "NEXUSLINK_LIMITS_CONNECTIONS_PER_IP and, above 10,000, NEXUSLINK_COMMUNITY_MAX_MEMBERS raised on the server."
            })
    static final class Idle implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(
                names = "--devices",
                defaultValue = "1000",
                description = "Connections to hold (default: ${DEFAULT-VALUE}).")
        int devices;

        @Option(
                names = "--settle",
                defaultValue = "10",
                paramLabel = "SECONDS",
                description = "Wait after the joins before the first memory reading (default: ${DEFAULT-VALUE}).")
        int settle;

        @Option(
                names = "--server-pid",
                paramLabel = "PID",
                description = "The server's process id (default: found from the port when the server is local).")
        Long pid;

        @Option(
                names = "--source-addresses",
                defaultValue = "0",
                paramLabel = "K",
                description = "Spread connections over 127.0.0.1 .. 127.0.0.K (default: the system's choice).")
        int sources;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            common.validate(spec, devices, 1);
            if (settle < 0 || sources < 0) {
                throw new ParameterException(
                        spec.commandLine(), "--settle and --source-addresses must not be negative");
            }
            LoadReport report = new IdleLoad(
                            common.server,
                            devices,
                            Duration.ofSeconds(common.duration),
                            common.threads,
                            sources,
                            Optional.ofNullable(pid),
                            Duration.ofSeconds(settle),
                            text -> progress(spec, text))
                    .run();
            return report(spec, common, report);
        }
    }

    /** {@code nexuslink bench offline}. */
    @Command(
            name = "offline",
            mixinStandardHelpOptions = true,
            description = {
                "Senders queue --messages direct messages for one joined but unconnected device (store rate),",
                "then it connects and receives them all (drain time)."
            })
    static final class Offline implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--devices", defaultValue = "8", description = "Sending devices (default: ${DEFAULT-VALUE}).")
        int devices;

        @Option(
                names = "--messages",
                defaultValue = "10000",
                description = "Messages to queue (default: ${DEFAULT-VALUE}).")
        int messages;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            common.validate(spec, devices, 1);
            if (messages < 1) {
                throw new ParameterException(spec.commandLine(), "--messages must be at least 1");
            }
            LoadReport report = new OfflineLoad(
                            common.server, devices, messages, common.size, common.threads, text -> progress(spec, text))
                    .run();
            return report(spec, common, report);
        }
    }
}
