// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import java.util.Objects;
import java.util.OptionalLong;
import org.nexuslink.protocol.ErrorCode;

/** A refusal with a stable error code, sent to the client as {@code {code, message}}. */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final OptionalLong retryAfterSeconds;

    /**
     * @param code the wire error; its HTTP status is the response status
     * @param message what was wrong, naming the offending value unless it is secret
     */
    public ApiException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfterSeconds = OptionalLong.empty();
    }

    private ApiException(ErrorCode code, String message, long retryAfterSeconds) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfterSeconds = OptionalLong.of(retryAfterSeconds);
    }

    /**
     * A {@code rate_limited} refusal; HTTP answers carry {@code Retry-After: seconds}.
     *
     * @param retryAfterSeconds whole seconds until a retry may succeed, at least 1
     */
    public static ApiException rateLimited(String message, long retryAfterSeconds) {
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("retryAfterSeconds must be at least 1, got " + retryAfterSeconds);
        }
        return new ApiException(ErrorCode.RATE_LIMITED, message, retryAfterSeconds);
    }

    public ErrorCode code() {
        return code;
    }

    /** For a rate limit: the {@code Retry-After} seconds. */
    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
