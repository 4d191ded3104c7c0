// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * The directory role (seed 000's official directory, docs/directory.md): communities register
 * with a signature by their server key, a proof of work and an admin whose KYC is approved;
 * people search the listing; reviewers decide KYC requests and abuse reports; a prober keeps
 * reputations current. The directory stores no member list and no message data. Also the
 * community side's heartbeat to its directory ({@link CommunityHeartbeat}).
 */
package org.nexuslink.server.directory;
