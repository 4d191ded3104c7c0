// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The cases of {@link DirectMessageBenchmarks} and {@link ChannelMessageBenchmarks} measured in
 * CPU time of the benchmarking thread per operation, next to wall time. On a machine shared with
 * other work, wall time (what JMH reports) stretches with the load; the thread's CPU time barely
 * does, so the raw/client ratio stays readable. CPU time leaves out the time spent waiting for
 * the disk (fsync), which only the wall time shows.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar org.nexuslink.bench.client.CpuTimePerMessage [seconds per round]}.
 * Each case warms up for two rounds, then measures five; it prints the median and the range.
 * Only the operation is timed: the decrypt cases' encryption before each batch is not. A second
 * argument runs only the cases whose names contain it ({@code "direct oursDecryptBatch tmpfs"}).
 */
public final class CpuTimePerMessage {
    private static final int WARMUP_ROUNDS = 2;
    private static final int ROUNDS = 5;

    @FunctionalInterface
    interface Op {
        Object run() throws Exception;
    }

    /**
     * One case: {@code op} does {@code opsPerCall} operations; {@code prepare}, if not null, runs
     * before each call and is not measured (the decrypt cases' encryption).
     */
    private record Case(Op prepare, Op op, int opsPerCall, AutoCloseable state) {}

    /** A case's name and how to set it up when its turn comes. */
    private record Named(String name, Setup setup) {}

    private CpuTimePerMessage() {}

    public static void main(String[] args) throws Exception {
        long roundNanos = (long) ((args.length > 0 ? Double.parseDouble(args[0]) : 1.0) * 1e9);
        String only = args.length > 1 ? args[1] : "";
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
        }
        System.out.printf(Locale.ROOT, "%-48s %10s %22s %12s%n", "case", "cpu us/op", "cpu range", "wall us/op");
        for (Named named : cases(only)) {
            Case c = named.setup().create();
            try (AutoCloseable state = c.state()) {
                double[] cpu = new double[ROUNDS];
                double[] wall = new double[ROUNDS];
                for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
                    long ops = 0;
                    long cpuNanos = 0;
                    long wallNanos = 0;
                    long end = System.nanoTime() + roundNanos;
                    do {
                        if (c.prepare() != null) {
                            c.prepare().run();
                        }
                        long cpu0 = threads.getCurrentThreadCpuTime();
                        long wall0 = System.nanoTime();
                        c.op().run();
                        wallNanos += System.nanoTime() - wall0;
                        cpuNanos += threads.getCurrentThreadCpuTime() - cpu0;
                        ops += c.opsPerCall();
                    } while (System.nanoTime() < end);
                    if (round >= 0) {
                        cpu[round] = cpuNanos / 1e3 / ops;
                        wall[round] = wallNanos / 1e3 / ops;
                    }
                }
                Arrays.sort(cpu);
                Arrays.sort(wall);
                System.out.printf(Locale.ROOT, "%-48s %10.1f %10.1f .. %8.1f %12.1f%n", named.name(), cpu[ROUNDS / 2], cpu[0],
                        cpu[ROUNDS - 1], wall[ROUNDS / 2]);
            }
        }
    }

    /** A case is set up when its turn comes and torn down after, so only one store pair exists at a time. */
    @FunctionalInterface
    private interface Setup {
        Case create() throws Exception;
    }

    /** The cases whose names contain {@code only} (all if it is empty). */
    private static List<Named> cases(String only) {
        DirectMessageBenchmarks direct = new DirectMessageBenchmarks();
        ChannelMessageBenchmarks channel = new ChannelMessageBenchmarks();
        int batch = DirectMessageBenchmarks.BATCH;
        List<Named> cases = new ArrayList<>();
        BiConsumer<String, Setup> add = (name, setup) -> {
            if (name.contains(only)) {
                cases.add(new Named(name, setup));
            }
        };
        add.accept("direct rawEncrypt", () -> {
            DirectMessageBenchmarks.Raw s = new DirectMessageBenchmarks.Raw();
            s.setUp();
            return new Case(null, () -> direct.rawEncrypt(s), 1, () -> { });
        });
        add.accept("direct rawDecrypt", () -> {
            DirectMessageBenchmarks.RawInbox s = new DirectMessageBenchmarks.RawInbox();
            s.setUp();
            return new Case(() -> { s.fill(); return null; }, () -> direct.rawDecrypt(s), batch, () -> { });
        });
        for (String storage : List.of("tmpfs", "disk")) {
            add.accept("direct oursEncrypt " + storage, () -> {
                DirectMessageBenchmarks.Ours s = directOurs(storage);
                return new Case(null, () -> direct.oursEncrypt(s), 1, s::tearDown);
            });
            add.accept("direct oursDecrypt " + storage, () -> {
                DirectMessageBenchmarks.OursInbox s = directInbox(storage);
                return new Case(() -> { s.fill(); return null; }, () -> direct.oursDecrypt(s),
                        batch, s::tearDown);
            });
            add.accept("direct oursDecryptBatch " + storage, () -> {
                DirectMessageBenchmarks.OursInbox s = directInbox(storage);
                return new Case(() -> { s.fill(); return null; },
                        () -> direct.oursDecryptBatch(s), batch, s::tearDown);
            });
        }
        add.accept("channel rawEncrypt", () -> {
            ChannelMessageBenchmarks.Raw s = new ChannelMessageBenchmarks.Raw();
            s.setUp();
            return new Case(null, () -> channel.rawEncrypt(s), 1, () -> { });
        });
        add.accept("channel rawDecrypt", () -> {
            ChannelMessageBenchmarks.RawInbox s = new ChannelMessageBenchmarks.RawInbox();
            s.setUp();
            return new Case(() -> { s.fill(); return null; }, () -> channel.rawDecrypt(s), batch, () -> { });
        });
        for (String storage : List.of("tmpfs", "disk")) {
            add.accept("channel oursEncrypt " + storage, () -> {
                ChannelMessageBenchmarks.Ours s = channelOurs(storage);
                return new Case(null, () -> channel.oursEncrypt(s), 1, s::tearDown);
            });
            add.accept("channel oursDecrypt " + storage, () -> {
                ChannelMessageBenchmarks.OursInbox s = channelInbox(storage);
                return new Case(() -> { s.fill(); return null; }, () -> channel.oursDecrypt(s),
                        batch, s::tearDown);
            });
            add.accept("channel oursDecryptBatch " + storage, () -> {
                ChannelMessageBenchmarks.OursInbox s = channelInbox(storage);
                return new Case(() -> { s.fill(); return null; },
                        () -> channel.oursDecryptBatch(s), batch, s::tearDown);
            });
        }
        return cases;
    }

    private static DirectMessageBenchmarks.Ours directOurs(String storage) {
        DirectMessageBenchmarks.Ours s = new DirectMessageBenchmarks.Ours();
        s.storage = storage;
        s.setUp();
        return s;
    }

    private static DirectMessageBenchmarks.OursInbox directInbox(String storage) {
        DirectMessageBenchmarks.OursInbox s = new DirectMessageBenchmarks.OursInbox();
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

    private static ChannelMessageBenchmarks.OursInbox channelInbox(String storage) throws Exception {
        ChannelMessageBenchmarks.OursInbox s = new ChannelMessageBenchmarks.OursInbox();
        s.storage = storage;
        s.setUp();
        return s;
    }
}
