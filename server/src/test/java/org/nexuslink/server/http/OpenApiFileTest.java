// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml is a valid OpenAPI 3.1 document, as a real parser and validator read it. */
class OpenApiFileTest {
    /** The file every REST exchange of the server's tests is checked against. */
    static final Path FILE = Path.of("..", "docs", "openapi.yaml");

    @Test
    void openapi_file_is_valid_openapi_3_1() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result =
                new OpenAPIParser().readLocation(FILE.toUri().toString(), null, options);

        assertThat(result.getMessages())
                .as("what the validator finds wrong in %s", FILE)
                .isEmpty();
        OpenAPI spec = result.getOpenAPI();
        assertThat(spec).isNotNull();
        assertThat(spec.getOpenapi()).startsWith("3.1.");
        assertThat(spec.getPaths()).isNotEmpty();
    }
}
