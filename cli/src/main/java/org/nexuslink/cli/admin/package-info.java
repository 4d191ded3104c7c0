// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * {@code nexuslink admin}: members, roles, bans, mutes, channels and the audit log of a community,
 * either through a running server's API with an admin identity from a profile, or directly on the
 * server's database ({@code --local}) for recovery when no admin can log in.
 */
package org.nexuslink.cli.admin;
