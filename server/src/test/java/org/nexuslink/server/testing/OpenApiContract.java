// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.net.URLDecoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a REST exchange of a test against docs/openapi.yaml, so the file cannot drift from the
 * server: the test HTTP clients ({@link TestServer}, the prekey and media test clients) pass every
 * exchange through {@link #check}, and a mismatch fails the test that made it.
 *
 * <p>A request the server accepted must match the file, and so must every answer, strictly: a
 * field the file does not name is a mismatch, so a renamed field fails even where the file does
 * not require it. A request the server refused (status 400 or above) is not checked: tests send
 * malformed requests, and probe unknown endpoints, on purpose; what the file promises for those
 * is the error answer, which is checked. Stateless and thread-safe.
 */
public final class OpenApiContract {
    /** The file, relative to a module directory (where the tests run). */
    public static final Path FILE = Path.of("..", "docs", "openapi.yaml");

    private OpenApiContract() {}

    /** Built once: parsing the file costs about a second. */
    private static final class Validator {
        static final OpenApiInteractionValidator INSTANCE = OpenApiInteractionValidator.createForSpecificationUrl(
                        FILE.toAbsolutePath().normalize().toUri().toString())
                // Strict: a field the file does not name is a mismatch, so a renamed field fails
                // even where the file does not list it as required.
                .withLevelResolver(LevelResolver.create()
                        .withDefaultLevel(ValidationReport.Level.ERROR)
                        .withLevel("validation.schema.additionalProperties", ValidationReport.Level.ERROR)
                        .build())
                .build();
    }

    /**
     * Checks one exchange.
     *
     * @param request      the request as sent
     * @param requestBody  its body, or null for none (or one not worth checking, such as file bytes)
     * @param status       the answer's status
     * @param headers      the answer's headers
     * @param responseBody the answer's body (empty for none)
     * @throws AssertionError naming every mismatch with the file
     */
    public static void check(
            HttpRequest request, byte[] requestBody, int status, HttpHeaders headers, byte[] responseBody) {
        String method = request.method().toUpperCase(Locale.ROOT);
        if ("HEAD".equals(method)) {
            return; // the file describes GET; a HEAD answer is the same without its body
        }
        String path = request.uri().getRawPath();
        SimpleRequest.Builder sent = new SimpleRequest.Builder(Request.Method.valueOf(method), path);
        String query = request.uri().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                sent.withQueryParam(name, value);
            }
        }
        request.headers().map().forEach(sent::withHeader);
        // The HTTP client adds Content-Length itself; the file requires it on uploads.
        request.bodyPublisher()
                .filter(p -> p.contentLength() >= 0 && !"GET".equals(method))
                .filter(p -> request.headers().firstValue("Content-Length").isEmpty())
                .ifPresent(p -> sent.withHeader("Content-Length", Long.toString(p.contentLength())));
        boolean hasBody = requestBody != null && requestBody.length > 0;
        boolean emptyBody = requestBody != null && requestBody.length == 0;
        boolean emptyFile = responseBody.length == 0
                && headers.firstValue("Content-Type").orElse("").equals("application/octet-stream");
        if (hasBody) {
            sent.withBody(requestBody);
        }
        SimpleResponse.Builder answered = new SimpleResponse.Builder(status);
        headers.map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                answered.withHeader(name, values);
            }
        });
        if (responseBody.length > 0) {
            answered.withBody(responseBody);
        }
        ValidationReport report = Validator.INSTANCE.validate(sent.build(), answered.build());
        List<ValidationReport.Message> mismatches = report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .filter(m -> status < 400 || !m.getKey().startsWith("validation.request."))
                // A request without a body has no Content-Type to check, where the body is optional.
                .filter(m -> hasBody || !m.getKey().equals("validation.request.contentType.notAllowed"))
                // An empty file (Content-Length: 0), uploaded or downloaded, is a body the validator
                // cannot tell from none.
                .filter(m -> !(emptyBody && m.getKey().equals("validation.request.body.missing")))
                .filter(m -> !(emptyFile && m.getKey().equals("validation.response.body.missing")))
                .filter(m -> !stringArrayParameterMisread(m))
                .toList();
        if (!mismatches.isEmpty()) {
            throw new AssertionError(method + " " + path + (query == null ? "" : "?" + query) + " answered " + status
                    + ", which docs/openapi.yaml does not describe:\n"
                    + mismatches.stream()
                            .map(m -> "  " + m.getKey() + ": " + m.getMessage())
                            .collect(Collectors.joining("\n"))
                    + "\nanswer: "
                    + (headers.firstValue("Content-Type").orElse("").startsWith("application/json")
                            ? new String(responseBody, 0, Math.min(responseBody.length, 500), StandardCharsets.UTF_8)
                            : responseBody.length + " bytes of "
                                    + headers.firstValue("Content-Type").orElse("?")));
        }
    }

    /**
     * Whether {@code m} is the validator misreading a query parameter that is an array of
     * unconstrained strings (the directory's {@code tag=a&tag=b}), every value of which is valid:
     * the validator treats a parameter as an array only when swagger-parser built an
     * {@code ArraySchema}, which it does not for an OpenAPI 3.1 file, and otherwise refuses
     * repeated values and tries to read each value as JSON.
     */
    private static final Set<String> MISREAD_ARRAY = Set.of(
            "validation.request.parameter.schema.invalidJson", "validation.request.parameter.collection.invalid");

    private static boolean stringArrayParameterMisread(ValidationReport.Message m) {
        if (!MISREAD_ARRAY.contains(m.getKey())) {
            return false;
        }
        Schema<?> schema = m.getContext()
                .flatMap(ValidationReport.MessageContext::getParameter)
                .map(Parameter::getSchema)
                .orElse(null);
        if (schema == null || schema.getTypes() == null || !schema.getTypes().equals(Set.of("array"))) {
            return false;
        }
        Schema<?> items = schema.getItems();
        return items != null
                && Set.of("string").equals(items.getTypes())
                && items.getPattern() == null
                && items.getMinLength() == null
                && items.getMaxLength() == null
                && items.getEnum() == null
                && items.getFormat() == null;
    }
}
