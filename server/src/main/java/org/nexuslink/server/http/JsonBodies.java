// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.Objects;
import java.util.stream.Collectors;
import org.nexuslink.protocol.ErrorCode;

/** Reads JSON request bodies into DTOs, turning every parse problem into a clear 400. Thread-safe. */
public final class JsonBodies {
    private final ObjectMapper json;

    public JsonBodies(ObjectMapper json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * The request body as {@code type}.
     *
     * @throws ApiException {@code bad_request} for malformed JSON or {@code invalid_field} naming
     *     the field that is unknown, missing or of the wrong type
     */
    public <T> T read(Request request, Class<T> type) {
        byte[] body = request.body();
        if (body.length == 0) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "a JSON request body is required");
        }
        try {
            T value = json.readValue(body, type);
            if (value == null) {
                throw new ApiException(ErrorCode.BAD_REQUEST, "a JSON object is required, got null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "unknown field '" + e.getPropertyName() + "'");
        } catch (MismatchedInputException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, path(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
                // A DTO's compact constructor refused the value.
                throw new ApiException(ErrorCode.INVALID_FIELD, cause.getMessage());
            }
            throw new ApiException(ErrorCode.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "unreadable body: " + e.getMessage());
        }
    }

    private static String path(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "body" : path;
    }
}
