// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import java.util.Objects;
import java.util.Optional;

/**
 * A refusal of the local API: an HTTP status, the contract's error code and a human message
 * (docs/app.md, "The local API"). Thrown before anything changed. The message never quotes a secret.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final Optional<String> detail;

    ApiError(int status, String code, String message, Optional<String> detail) {
        super(Objects.requireNonNull(message, "message"));
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    ApiError(int status, String code, String message) {
        this(status, code, message, Optional.empty());
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }

    static ApiError conflict(String code, String message) {
        return new ApiError(409, code, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Optional<String> detail() {
        return detail;
    }
}
