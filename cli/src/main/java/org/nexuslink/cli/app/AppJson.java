// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;

/** The local API's JSON: request bodies read strictly, answers written as the contract spells them. */
final class AppJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private AppJson() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The request body as a JSON object; an empty body is an empty object. */
    static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            return object();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            throw ApiError.badRequest("the body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest("the body is not a JSON object");
        }
        return node;
    }

    /** A required string field. */
    static String text(JsonNode body, String field) {
        return optionalText(body, field).orElseThrow(() -> ApiError.badRequest("'" + field + "' is required"));
    }

    /** A string field that may be absent or null. */
    static Optional<String> optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("'" + field + "' must be a string");
        }
        return Optional.of(value.textValue());
    }

    static void send(Context ctx, int status, JsonNode answer) {
        try {
            ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static void send(Context ctx, JsonNode answer) {
        send(ctx, 200, answer);
    }

    static String string(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
