// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exchange check itself: it passes what docs/openapi.yaml describes and fails the rest. */
class OpenApiContractTest {
    private static final String SERVER = "{\"server_id\":\"nxs-1\",\"public_key\":\"AAAA\",\"name\":\"n\","
            + "\"role\":\"community\",\"version\":\"1\"}";
    private static final HttpHeaders JSON =
            HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (name, value) -> true);

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:1" + path))
                .GET()
                .build();
    }

    private static HttpRequest post(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:1" + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void an_answer_the_file_describes_passes() {
        assertThatCode(() -> OpenApiContract.check(get("/api/v1/server"), null, 200, JSON, bytes(SERVER)))
                .doesNotThrowAnyException();
    }

    @Test
    void a_repeated_string_array_parameter_passes_and_its_neighbours_are_still_checked() {
        byte[] page = bytes("{\"communities\":[]}");
        assertThatCode(() -> OpenApiContract.check(
                        get("/api/v1/community/search?tag=rust&tag=c%26c&limit=5"), null, 200, JSON, page))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> OpenApiContract.check(
                        get("/api/v1/community/search?tag=rust&limit=500"), null, 200, JSON, page))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("limit");
    }

    @Test
    void a_renamed_field_in_an_answer_fails() {
        String renamed = SERVER.replace("\"public_key\"", "\"server_key\"");
        assertThatThrownBy(() -> OpenApiContract.check(get("/api/v1/server"), null, 200, JSON, bytes(renamed)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /api/v1/server answered 200")
                .hasMessageContaining("server_key");
    }

    @Test
    void a_status_the_file_does_not_list_fails() {
        assertThatThrownBy(() -> OpenApiContract.check(
                        get("/api/v1/server"), null, 418, JSON, bytes("{\"code\":\"teapot\",\"message\":\"\"}")))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void an_accepted_request_the_file_does_not_describe_fails() {
        byte[] wrong = bytes("{\"account\":\"nxl:a\",\"device_id\":1}");
        String answer = "{\"challenge\":\"AAAA\",\"server_signature\":\"AAAA\",\"server_id\":\"s\","
                + "\"server_key\":\"AAAA\",\"origin\":\"http://h\",\"expires_at\":\"2026-01-01T00:00:00Z\"}";
        assertThatThrownBy(() -> OpenApiContract.check(post("/api/v1/auth/challenge"), wrong, 200, JSON, bytes(answer)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("validation.request");
    }

    @Test
    void a_refused_request_is_not_held_to_the_file_but_its_error_answer_is() {
        byte[] wrong = bytes("{\"nope\":1}");
        assertThatCode(() -> OpenApiContract.check(
                        post("/api/v1/auth/challenge"),
                        wrong,
                        400,
                        JSON,
                        bytes("{\"code\":\"invalid_field\",\"message\":\"unknown field 'nope'\"}")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> OpenApiContract.check(
                        post("/api/v1/auth/challenge"), wrong, 400, JSON, bytes("{\"error\":\"invalid_field\"}")))
                .isInstanceOf(AssertionError.class);
    }
}
