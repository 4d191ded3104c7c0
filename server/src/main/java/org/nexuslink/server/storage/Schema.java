// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

/**
 * The schema a role keeps in its database: each has its own migrations, numbered from V1, and
 * its own Flyway history table.
 */
public enum Schema {
    /** {@code db/migration}: members, devices, queues, channels, media. */
    COMMUNITY,
    /** {@code db/directory}: listed communities, KYC requests, abuse reports (docs/directory.md). */
    DIRECTORY
}
