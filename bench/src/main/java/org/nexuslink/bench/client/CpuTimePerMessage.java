// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The client's path against raw libsignal ({@link DirectMessageBenchmarks},
 * {@link ChannelMessageBenchmarks}) in CPU time of the benchmarking thread per message, next to
 * wall time. On a machine shared with other work, wall time (what JMH reports) stretches with
 * the load; the thread's CPU time much less. CPU time leaves out the time spent waiting for the
 * disk (fsync), which only the wall time shows.
 *
 * <p>Each comparison sets up the raw case and the client's case, then runs short rounds of them
 * in turn (raw, ours, raw, ours, ...; 0.25 s each by default): 10 warm-up rounds each, then 41
 * measured. Even on an idle machine one side's CPU time per message drifts by half for seconds
 * at a time (garbage collection work and native allocation land on the measuring thread);
 * short alternating rounds put both sides in the same state, and the overhead is the median of
 * the 41 rounds' ratios (ours / raw - 1), printed with its range. Only the operation is timed:
 * the encryption that prepares a decrypt batch is not.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar org.nexuslink.bench.client.CpuTimePerMessage
 * [seconds per round] [text]}; with a text, only the comparisons whose names contain it
 * ({@code "direct decrypt in a batch"}).
 */
public final class CpuTimePerMessage {
    private static final int WARMUP_ROUNDS = 10;
    private static final int ROUNDS = 41;

    @FunctionalInterface
    interface Op {
        Object run() throws Exception;
    }

    @FunctionalInterface
    interface Prepare {
        void run() throws Exception;
    }

    /**
     * One side of a comparison: {@code op} does {@code opsPerCall} operations; {@code prepare}, if
     * not null, runs before each call and is not measured (the decrypt cases' encryption).
     */
    private record Case(Prepare prepare, Op op, int opsPerCall, AutoCloseable state) {}

    /** A case set up when its comparison's turn comes, so only one store pair exists at a time. */
    @FunctionalInterface
    private interface Setup {
        Case create() throws Exception;
    }

    private record Comparison(String name, Setup raw, Setup ours) {}

    /** One round's time per operation, in microseconds. */
    private record Round(double cpu, double wall) {}

    private CpuTimePerMessage() {}

    public static void main(String[] args) throws Exception {
        long roundNanos = (long) ((args.length > 0 ? Double.parseDouble(args[0]) : 0.25) * 1e9);
        String only = args.length > 1 ? args[1] : "";
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure a thread's CPU time");
        }
        System.out.printf(
                Locale.ROOT,
                "%-40s %9s %9s %9s %17s %9s %9s%n",
                "comparison (us per message)",
                "raw cpu",
                "ours cpu",
                "overhead",
                "overhead range",
                "raw wall",
                "ours wall");
        for (Comparison comparison : comparisons()) {
            if (!comparison.name().contains(only)) {
                continue;
            }
            Case raw = comparison.raw().create();
            Case ours = comparison.ours().create();
            try (AutoCloseable rawState = raw.state();
                    AutoCloseable oursState = ours.state()) {
                Round[] rawRounds = new Round[ROUNDS];
                Round[] oursRounds = new Round[ROUNDS];
                double[] ratios = new double[ROUNDS];
                for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
                    Round r = round(raw, threads, roundNanos);
                    Round o = round(ours, threads, roundNanos);
                    if (round >= 0) {
                        rawRounds[round] = r;
                        oursRounds[round] = o;
                        ratios[round] = o.cpu() / r.cpu() - 1;
                    }
                }
                Arrays.sort(ratios);
                System.out.printf(
                        Locale.ROOT,
                        "%-40s %9.1f %9.1f %8.0f%% %7.0f%% .. %4.0f%% %9.1f %9.1f%n",
                        comparison.name(),
                        median(rawRounds, true),
                        median(oursRounds, true),
                        100 * ratios[ROUNDS / 2],
                        100 * ratios[0],
                        100 * ratios[ROUNDS - 1],
                        median(rawRounds, false),
                        median(oursRounds, false));
            }
        }
    }

    private static Round round(Case c, ThreadMXBean threads, long roundNanos) throws Exception {
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
        return new Round(cpuNanos / 1e3 / ops, wallNanos / 1e3 / ops);
    }

    private static double median(Round[] rounds, boolean cpu) {
        double[] values = Arrays.stream(rounds)
                .mapToDouble(r -> cpu ? r.cpu() : r.wall())
                .sorted()
                .toArray();
        return values[values.length / 2];
    }

    private static List<Comparison> comparisons() {
        DirectMessageBenchmarks direct = new DirectMessageBenchmarks();
        ChannelMessageBenchmarks channel = new ChannelMessageBenchmarks();
        int batch = DirectMessageBenchmarks.BATCH;
        Setup directEncrypt = () -> {
            DirectMessageBenchmarks.Raw s = new DirectMessageBenchmarks.Raw();
            s.setUp();
            return new Case(null, () -> direct.rawEncrypt(s), 1, () -> {});
        };
        Setup directDecrypt = () -> {
            DirectMessageBenchmarks.RawInbox s = new DirectMessageBenchmarks.RawInbox();
            s.setUp();
            return new Case(s::fill, () -> direct.rawDecrypt(s), batch, () -> {});
        };
        Setup channelEncrypt = () -> {
            ChannelMessageBenchmarks.Raw s = new ChannelMessageBenchmarks.Raw();
            s.setUp();
            return new Case(null, () -> channel.rawEncrypt(s), 1, () -> {});
        };
        Setup channelDecrypt = () -> {
            ChannelMessageBenchmarks.RawInbox s = new ChannelMessageBenchmarks.RawInbox();
            s.setUp();
            return new Case(s::fill, () -> channel.rawDecrypt(s), batch, () -> {});
        };
        List<Comparison> comparisons = new ArrayList<>();
        for (String storage : List.of("tmpfs", "disk")) {
            comparisons.add(new Comparison("direct encrypt, " + storage, directEncrypt, () -> {
                DirectMessageBenchmarks.Ours s = new DirectMessageBenchmarks.Ours();
                s.storage = storage;
                s.setUp();
                return new Case(null, () -> direct.oursEncrypt(s), 1, s::tearDown);
            }));
            comparisons.add(new Comparison("direct encrypt in a batch, " + storage, directEncrypt, () -> {
                DirectMessageBenchmarks.Ours s = new DirectMessageBenchmarks.Ours();
                s.storage = storage;
                s.setUp();
                return new Case(null, () -> direct.oursEncryptBatch(s), batch, s::tearDown);
            }));
            comparisons.add(new Comparison("direct decrypt alone, " + storage, directDecrypt, () -> {
                DirectMessageBenchmarks.OursInbox s = directInbox(storage);
                return new Case(s::fill, () -> direct.oursDecrypt(s), batch, s::tearDown);
            }));
            comparisons.add(new Comparison("direct decrypt in a batch, " + storage, directDecrypt, () -> {
                DirectMessageBenchmarks.OursInbox s = directInbox(storage);
                return new Case(s::fill, () -> direct.oursDecryptBatch(s), batch, s::tearDown);
            }));
            comparisons.add(new Comparison("direct decrypt, a backlog, " + storage, directDecrypt, () -> {
                DirectMessageBenchmarks.OursInbox s = directInbox(storage);
                return new Case(s::fill, () -> direct.oursDecryptBacklog(s), batch, s::tearDown);
            }));
            comparisons.add(new Comparison("channel encrypt, " + storage, channelEncrypt, () -> {
                ChannelMessageBenchmarks.Ours s = new ChannelMessageBenchmarks.Ours();
                s.storage = storage;
                s.setUp();
                return new Case(null, () -> channel.oursEncrypt(s), 1, s::tearDown);
            }));
            comparisons.add(new Comparison("channel encrypt in a batch, " + storage, channelEncrypt, () -> {
                ChannelMessageBenchmarks.Ours s = new ChannelMessageBenchmarks.Ours();
                s.storage = storage;
                s.setUp();
                return new Case(null, () -> channel.oursEncryptBatch(s), batch, s::tearDown);
            }));
            comparisons.add(new Comparison("channel decrypt alone, " + storage, channelDecrypt, () -> {
                ChannelMessageBenchmarks.OursInbox s = channelInbox(storage);
                return new Case(s::fill, () -> channel.oursDecrypt(s), batch, s::tearDown);
            }));
            comparisons.add(new Comparison("channel decrypt in a batch, " + storage, channelDecrypt, () -> {
                ChannelMessageBenchmarks.OursInbox s = channelInbox(storage);
                return new Case(s::fill, () -> channel.oursDecryptBatch(s), batch, s::tearDown);
            }));
            comparisons.add(new Comparison("channel decrypt, a backlog, " + storage, channelDecrypt, () -> {
                ChannelMessageBenchmarks.OursInbox s = channelInbox(storage);
                return new Case(s::fill, () -> channel.oursDecryptBacklog(s), batch, s::tearDown);
            }));
        }
        return comparisons;
    }

    private static DirectMessageBenchmarks.OursInbox directInbox(String storage) {
        DirectMessageBenchmarks.OursInbox s = new DirectMessageBenchmarks.OursInbox();
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
