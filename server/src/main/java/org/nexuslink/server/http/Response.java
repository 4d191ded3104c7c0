// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a handler answers: a status and either a value to serialize as JSON or raw bytes with
 * their content type.
 */
public sealed interface Response {
    int status();

    /** A JSON body; the dispatcher serializes {@code value} with the API's JSON mapper. */
    record Json(int status, Object value) implements Response {
        public Json {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A body already in its wire form. */
    final class Raw implements Response {
        private final int status;
        private final String contentType;
        private final byte[] body;

        public Raw(int status, String contentType, byte[] body) {
            this.status = status;
            this.contentType = Objects.requireNonNull(contentType, "contentType");
            this.body = body.clone();
        }

        @Override
        public int status() {
            return status;
        }

        public String contentType() {
            return contentType;
        }

        public byte[] body() {
            return body.clone();
        }
    }

    /** 200 with a JSON body. */
    static Response ok(Object value) {
        return new Json(200, value);
    }

    /** A text body in UTF-8. */
    static Response text(int status, String contentType, String body) {
        return new Raw(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }
}
