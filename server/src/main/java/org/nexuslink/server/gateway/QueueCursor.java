// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a connection stands in its device's direct-message queue, so that the drain on connect
 * and live pushes together deliver every entry once and in order: while the connection catches
 * up, live pushes are left to the drain; afterwards an entry is pushed only if it is newer than
 * the last one pushed. Guarded by its lock.
 */
public final class QueueCursor {
    private final ReentrantLock lock = new ReentrantLock();
    private boolean catchingUp = true;
    private long lastPushed;

    /** The lock guarding this cursor; hold it to read or move the cursor. */
    public ReentrantLock lock() {
        return lock;
    }

    /** Whether the drain on connect is still running. */
    public boolean isCatchingUp() {
        return catchingUp;
    }

    /** Ends the catching-up phase; call with the lock held, after the last (empty) drain page. */
    public void caughtUp() {
        catchingUp = false;
    }

    public long lastPushed() {
        return lastPushed;
    }

    public void pushed(long entry) {
        lastPushed = Math.max(lastPushed, entry);
    }
}
