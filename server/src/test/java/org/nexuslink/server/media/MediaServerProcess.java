// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;

/**
 * A community server in a process of its own, configured by its {@code NEXUSLINK_*} environment,
 * for tests that kill it ({@link MediaCrashTest}) and for the heap measurement
 * ({@link MediaHeapBenchmark}). Prints {@code port=<n>} once it listens, then serves until killed.
 */
public final class MediaServerProcess {
    private MediaServerProcess() {}

    public static void main(String[] args) throws InterruptedException {
        NexusLinkServer server =
                NexusLinkServer.start(ConfigLoader.load(null, System.getenv(), Map.of()), Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("port=" + server.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
