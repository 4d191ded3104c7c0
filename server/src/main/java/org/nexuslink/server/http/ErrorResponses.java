// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.ErrorCode;

/**
 * The JSON error responses every HTTP path sends ({@code {code, message}}), with
 * {@code Retry-After} on rate-limit refusals: the one mapper from a refusal to its answer
 * ({@link HttpResponses#failure} adds the unmapped case). Stateless.
 */
public final class ErrorResponses {
    private ErrorResponses() {}

    /** The response for a refusal. */
    public static FullHttpResponse of(ObjectMapper json, ApiException refusal) {
        FullHttpResponse response = of(json, refusal.code(), refusal.getMessage());
        refusal.retryAfterSeconds().ifPresent(s -> response.headers().set(HttpHeaderNames.RETRY_AFTER, s));
        return response;
    }

    /** The response for an error code and message. */
    public static FullHttpResponse of(ObjectMapper json, ErrorCode code, String message) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(new ErrorBody(code.code(), message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an error body", e);
        }
        return HttpResponses.full(code.httpStatus(), "application/json", body);
    }
}
