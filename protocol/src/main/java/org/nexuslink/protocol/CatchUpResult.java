// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.List;

/**
 * Body of {@code catch_up_result}: one page of stored events, in ascending mid order.
 *
 * @param events stored events (each with mid and time)
 * @param more true if events after the last one remain; ask again with it as the cursor
 */
public record CatchUpResult(List<Event> events, boolean more) implements Body {

    /** Copies the events and checks each is stored. */
    public CatchUpResult {
        events = List.copyOf(events);
        for (int i = 0; i < events.size(); i++) {
            if (!events.get(i).isStored()) {
                throw new IllegalArgumentException("events[" + i + "] must have mid and t");
            }
        }
    }
}
