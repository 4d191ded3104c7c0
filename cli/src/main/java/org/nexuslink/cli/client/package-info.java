// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * The client commands of {@code nexuslink}: joining a community, sending, the inbox, history,
 * channels, devices, contacts and the panic wipe, on top of the client SDK
 * ({@code org.nexuslink.client.NexusClient}).
 */
package org.nexuslink.cli.client;
