// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import org.nexuslink.server.auth.Principal;

/**
 * Told when handing out a bundle leaves a device's one-time stock below the threshold, so the
 * device can be asked (over its WebSocket) to upload more. Called after the consuming transaction
 * committed, on the requesting thread; implementations must be quick and thread-safe. An
 * exception is logged and does not fail the fetch.
 */
@FunctionalInterface
public interface PrekeyStockListener {
    /** Does nothing: for servers without a WebSocket gateway, and tests. */
    PrekeyStockListener NONE = (device, counts) -> {};

    /**
     * @param device the device whose stock is low
     * @param counts its stock after the fetch
     */
    void stockLow(Principal device, PrekeyCounts counts);
}
