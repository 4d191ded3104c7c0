// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import java.util.Objects;
import org.nexuslink.protocol.ErrorCode;

/** A refusal with a stable error code, sent to the client as {@code {code, message}}. */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;

    /**
     * @param code the wire error; its HTTP status is the response status
     * @param message what was wrong, naming the offending value unless it is secret
     */
    public ApiException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
