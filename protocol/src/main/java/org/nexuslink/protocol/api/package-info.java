// SPDX-License-Identifier: AGPL-3.0-or-later
/**
 * The REST API's contract: a record for every JSON request and response body, {@link
 * org.nexuslink.protocol.api.Endpoint} naming every {@code /api/v1} path, and {@link
 * org.nexuslink.protocol.api.ApiJson} holding the JSON conventions. The server's routes and the
 * client's calls both use these types, so a renamed field breaks the build on both sides;
 * docs/openapi.yaml describes the same contract and the server's test suite checks every
 * exchange against it.
 *
 * <p>Byte fields are {@link org.nexuslink.protocol.Bytes}, standard base64 on the wire; times are
 * ISO-8601 strings. A response field the server may leave out is an {@code Optional}; a request
 * field the caller may leave out is a nullable wrapper, because the server tells "absent" from
 * "empty" (an update leaves absent fields unchanged).
 */
package org.nexuslink.protocol.api;
