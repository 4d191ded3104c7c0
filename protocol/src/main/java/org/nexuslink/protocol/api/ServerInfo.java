// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

/**
 * {@code GET /api/v1/server}: who the server is.
 *
 * @param publicKey the server's long-term public key, base64
 * @param role {@code community} or {@code directory}
 */
public record ServerInfo(String serverId, String publicKey, String name, String role, String version) {}
