// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.websocket.WsContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open event sockets and the one thread that writes to them, so every socket sees events in
 * the order they were published. Publishing never blocks the caller (the client's worker thread
 * must not wait on a browser). Thread-safe.
 */
final class EventHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    private final Set<WsContext> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("app-events").factory());

    void open(WsContext socket) {
        sockets.add(socket);
    }

    void closed(WsContext socket) {
        sockets.remove(socket);
    }

    /** Sends {@code event} to every open socket, after the events published before it. */
    void publish(ObjectNode event) {
        String text = AppJson.string(event);
        execute(() -> {
            for (WsContext socket : sockets) {
                try {
                    socket.send(text);
                } catch (RuntimeException e) {
                    sockets.remove(socket);
                    LOG.atDebug()
                            .setMessage("event socket dropped")
                            .addKeyValue("error", e.toString())
                            .log();
                }
            }
        });
    }

    /** Runs {@code task} on the event thread, after what was published before. */
    void execute(Runnable task) {
        if (!writer.isShutdown()) {
            try {
                writer.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing: nobody is listening any more
            }
        }
    }

    static ObjectNode event(String type) {
        return AppJson.object().put("type", type);
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sockets.forEach(s -> {
            try {
                s.closeSession();
            } catch (RuntimeException e) {
                // already gone
            }
        });
        sockets.clear();
    }
}
