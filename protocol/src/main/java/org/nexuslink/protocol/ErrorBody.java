// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An error as peers see it: the body of an {@code error} envelope and the JSON body of a failed
 * REST call ({@code {"code":"rate_limited","message":"..."}}).
 *
 * <p>The code is kept as a string so a client can read codes newer than itself.
 *
 * @param code a snake_case error code, usually one of {@link ErrorCode}
 * @param message a human-readable explanation; may be empty
 */
public record ErrorBody(String code, String message) implements Body {

    /** Longest code, in characters. */
    public static final int MAX_CODE_LENGTH = 64;

    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** Validates the code's shape. */
    public ErrorBody {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException(
                    "error code must be snake_case, at most " + MAX_CODE_LENGTH + " characters, got '" + code + "'");
        }
    }

    /** Returns the body for {@code code} with {@code message}. */
    public static ErrorBody of(ErrorCode code, String message) {
        return new ErrorBody(code.code(), message);
    }

    /** Returns the enum constant for the code, if this version knows it. */
    public Optional<ErrorCode> errorCode() {
        return ErrorCode.fromCode(code);
    }
}
