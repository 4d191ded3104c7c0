// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The server's JSON mapper: the REST contract's conventions, strict about what requests carry. */
public final class ApiJson {
    private ApiJson() {}

    /**
     * A new mapper with {@link org.nexuslink.protocol.api.ApiJson#strict()}'s conventions;
     * thread-safe once built.
     */
    public static ObjectMapper create() {
        return org.nexuslink.protocol.api.ApiJson.strict();
    }
}
