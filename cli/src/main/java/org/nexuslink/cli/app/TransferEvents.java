// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.media.TransferProgress;

/**
 * One file transfer's {@code transfer} events: the SDK's progress, thinned to a phase change or
 * about every 2% (and at least 64 KiB) so a large file does not flood the socket. The SDK calls
 * it from its worker and HTTP threads in turn; {@link #lock} orders those calls.
 */
final class TransferEvents implements TransferProgress {
    private static final long MIN_STEP = 64 * 1024;

    private final EventHub events;
    private final String id = UUID.randomUUID().toString();
    private final String conversation;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private String lastPhase; // guarded by lock
    private long lastDone; // guarded by lock

    TransferEvents(EventHub events, Conversation conversation, String name) {
        this.events = events;
        this.conversation = conversation.id();
        this.name = name;
    }

    @Override
    public void update(Phase phase, long done, long total) {
        String shown = switch (phase) {
            case ENCRYPTING -> "encrypting";
            case UPLOADING -> "uploading";
            case DOWNLOADING -> "downloading";
            case DECRYPTING -> null; // quick, and "done" follows at once
        };
        if (shown != null) {
            publish(shown, done, total, false);
        }
    }

    /** The transfer finished: {@code size} bytes. */
    void done(long size) {
        publish("done", size, size, true);
    }

    /** The transfer failed. */
    void failed(long total) {
        publish("failed", 0, total, true);
    }

    private void publish(String phase, long done, long total, boolean always) {
        lock.lock();
        try {
            long step = Math.max(MIN_STEP, total / 50);
            if (!always && phase.equals(lastPhase) && done < total && done - lastDone < step) {
                return;
            }
            lastPhase = phase;
            lastDone = done;
            events.publish(EventHub.event("transfer")
                    .put("id", id)
                    .put("conversation", conversation)
                    .put("name", name)
                    .put("phase", phase)
                    .put("done", done)
                    .put("total", total));
        } finally {
            lock.unlock();
        }
    }
}
