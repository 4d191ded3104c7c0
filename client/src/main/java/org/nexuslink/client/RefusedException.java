// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.io.IOException;
import java.util.Objects;
import org.nexuslink.protocol.ErrorCode;

/**
 * The community server refused a request, over REST, the media routes or the gateway, with one of
 * the protocol's error codes (docs/protocol.md's table). The one exception a client caller
 * switches on: {@code switch (e.code()) { case CONFLICT -> ...; case STALE_DEVICES -> ... }}.
 */
public final class RefusedException extends IOException {
    private final ErrorCode code;
    private final String wireCode;
    private final int status;
    private final String detail;

    private RefusedException(ErrorCode code, String wireCode, int status, String detail, String message) {
        super(message);
        this.code = code;
        this.wireCode = wireCode;
        this.status = status;
        this.detail = detail;
    }

    /**
     * A refused HTTP call.
     *
     * @param status the HTTP status
     * @param wireCode the code the server sent; a code this build does not know (or none) maps to
     *     the code of its HTTP status ({@link #byStatus}), and stays readable in {@link #wireCode()}
     * @param detail the server's explanation
     */
    public static RefusedException http(int status, String wireCode, String detail) {
        Objects.requireNonNull(wireCode, "wireCode");
        Objects.requireNonNull(detail, "detail");
        ErrorCode code = ErrorCode.fromCode(wireCode).orElseGet(() -> byStatus(status));
        return new RefusedException(code, wireCode, status, detail, wireCode + " (" + status + "): " + detail);
    }

    /** The gateway's {@code error} answer to a request; its status is the code's HTTP status. */
    public static RefusedException gateway(String wireCode, String detail) {
        Objects.requireNonNull(wireCode, "wireCode");
        Objects.requireNonNull(detail, "detail");
        ErrorCode code = ErrorCode.fromCode(wireCode).orElse(ErrorCode.BAD_REQUEST);
        return new RefusedException(code, wireCode, code.httpStatus(), detail, wireCode + ": " + detail);
    }

    /** The general code of an HTTP status, for an answer whose own code this build does not know. */
    static ErrorCode byStatus(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 409 -> ErrorCode.CONFLICT;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
        };
    }

    /** Why the server refused. */
    public ErrorCode code() {
        return code;
    }

    /** The code as the server sent it (equal to {@code code().code()} unless the server is newer). */
    public String wireCode() {
        return wireCode;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    /** The server's explanation, without the code. */
    public String detail() {
        return detail;
    }
}
