// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cases of {@link DirectMessageBenchmarks} and {@link ChannelMessageBenchmarks} measured in
 * CPU time of the benchmarking thread per operation, next to wall time. On a machine shared with
 * other work, wall time (what JMH reports) stretches with the load; the thread's CPU time barely
 * does, so the raw/client ratio stays readable. CPU time leaves out the time spent waiting for
 * the disk (fsync), which only the wall time shows.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar org.nexuslink.bench.client.CpuTimePerMessage [seconds per round]}.
 * Each case warms up for two rounds, then measures five; it prints the median and the range.
 */
public final class CpuTimePerMessage {
    private static final int WARMUP_ROUNDS = 2;
    private static final int ROUNDS = 5;

    @FunctionalInterface
    interface Op {
        Object run() throws Exception;
    }

    private record Case(String name, Op op, AutoCloseable state) {}

    private CpuTimePerMessage() {}

    public static void main(String[] args) throws Exception {
        long roundNanos = (long) ((args.length > 0 ? Double.parseDouble(args[0]) : 1.0) * 1e9);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
        }
        System.out.printf(Locale.ROOT, "%-48s %10s %22s %12s%n", "case", "cpu us/op", "cpu range", "wall us/op");
        for (Case c : cases()) {
            try (AutoCloseable state = c.state()) {
                double[] cpu = new double[ROUNDS];
                double[] wall = new double[ROUNDS];
                for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
                    long ops = 0;
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    long wall0 = System.nanoTime();
                    long end = wall0 + roundNanos;
                    do {
                        c.op().run();
                        ops++;
                    } while (System.nanoTime() < end);
                    if (round >= 0) {
                        cpu[round] = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / ops;
                        wall[round] = (System.nanoTime() - wall0) / 1e3 / ops;
                    }
                }
                Arrays.sort(cpu);
                Arrays.sort(wall);
                System.out.printf(Locale.ROOT, "%-48s %10.1f %10.1f .. %8.1f %12.1f%n", c.name(), cpu[ROUNDS / 2], cpu[0],
                        cpu[ROUNDS - 1], wall[ROUNDS / 2]);
            }
        }
    }

    private static List<Case> cases() {
        DirectMessageBenchmarks direct = new DirectMessageBenchmarks();
        ChannelMessageBenchmarks channel = new ChannelMessageBenchmarks();
        List<Case> cases = new ArrayList<>();
        cases.add(lazy("direct rawEncrypt", () -> {
            DirectMessageBenchmarks.Raw s = new DirectMessageBenchmarks.Raw();
            s.setUp();
            return new Case("", () -> direct.rawEncrypt(s), () -> {});
        }));
        cases.add(lazy("direct rawRoundTrip", () -> {
            DirectMessageBenchmarks.Raw s = new DirectMessageBenchmarks.Raw();
            s.setUp();
            return new Case("", () -> direct.rawRoundTrip(s), () -> {});
        }));
        for (String storage : List.of("tmpfs", "disk")) {
            cases.add(lazy("direct oursEncrypt " + storage, () -> {
                DirectMessageBenchmarks.Ours s = directOurs(storage);
                return new Case("", () -> direct.oursEncrypt(s), s::tearDown);
            }));
            cases.add(lazy("direct oursRoundTrip " + storage, () -> {
                DirectMessageBenchmarks.Ours s = directOurs(storage);
                return new Case("", () -> direct.oursRoundTrip(s), s::tearDown);
            }));
            cases.add(lazy("direct oursRoundTripWithoutCertificate " + storage, () -> {
                DirectMessageBenchmarks.Ours s = directOurs(storage);
                return new Case("", () -> direct.oursRoundTripWithoutCertificate(s), s::tearDown);
            }));
        }
        cases.add(lazy("channel rawEncrypt", () -> {
            ChannelMessageBenchmarks.Raw s = new ChannelMessageBenchmarks.Raw();
            s.setUp();
            return new Case("", () -> channel.rawEncrypt(s), () -> {});
        }));
        cases.add(lazy("channel rawRoundTrip", () -> {
            ChannelMessageBenchmarks.Raw s = new ChannelMessageBenchmarks.Raw();
            s.setUp();
            return new Case("", () -> channel.rawRoundTrip(s), () -> {});
        }));
        for (String storage : List.of("tmpfs", "disk")) {
            cases.add(lazy("channel oursEncrypt " + storage, () -> {
                ChannelMessageBenchmarks.Ours s = channelOurs(storage);
                return new Case("", () -> channel.oursEncrypt(s), s::tearDown);
            }));
            cases.add(lazy("channel oursRoundTrip " + storage, () -> {
                ChannelMessageBenchmarks.Ours s = channelOurs(storage);
                return new Case("", () -> channel.oursRoundTrip(s), s::tearDown);
            }));
        }
        return cases;
    }

    @FunctionalInterface
    private interface Setup {
        Case create() throws Exception;
    }

    /** A case whose state is set up when it runs and torn down after, so only one store pair exists at a time. */
    private static Case lazy(String name, Setup setup) {
        Case[] created = new Case[1];
        return new Case(name, () -> {
            if (created[0] == null) {
                created[0] = setup.create();
            }
            return created[0].op().run();
        }, () -> {
            if (created[0] != null) {
                created[0].state().close();
            }
        });
    }

    private static DirectMessageBenchmarks.Ours directOurs(String storage) {
        DirectMessageBenchmarks.Ours s = new DirectMessageBenchmarks.Ours();
        s.storage = storage;
        s.setUp();
        return s;
    }

    private static ChannelMessageBenchmarks.Ours channelOurs(String storage) throws Exception {
        ChannelMessageBenchmarks.Ours s = new ChannelMessageBenchmarks.Ours();
        s.storage = storage;
        s.setUp();
        return s;
    }
}
