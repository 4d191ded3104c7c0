// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

/** Whether a stored message was received or sent by this profile. */
public enum Direction {
    IN,
    OUT
}
