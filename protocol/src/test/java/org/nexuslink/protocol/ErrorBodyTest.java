// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorBodyTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void serializes_to_code_and_message_only() throws Exception {
        ErrorBody body = ErrorBody.of(ErrorCode.RATE_LIMITED, "Too many requests; retry later.");
        assertThat(json.writeValueAsString(body))
                .isEqualTo("{\"code\":\"rate_limited\",\"message\":\"Too many requests; retry later.\"}");
    }

    @Test
    void deserializes_from_json() throws Exception {
        ErrorBody body = json.readValue("{\"code\":\"not_found\",\"message\":\"no such device\"}", ErrorBody.class);
        assertThat(body).isEqualTo(ErrorBody.of(ErrorCode.NOT_FOUND, "no such device"));
        assertThat(body.errorCode()).contains(ErrorCode.NOT_FOUND);
    }

    @Test
    void keeps_codes_newer_than_this_version() {
        ErrorBody body = new ErrorBody("quota_exhausted", "");
        assertThat(body.errorCode()).isEmpty();
    }

    @Test
    void rejects_code_that_is_not_snake_case() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ErrorBody("Not Found", ""));
        assertThatIllegalArgumentException().isThrownBy(() -> new ErrorBody("x".repeat(65), ""));
    }

    @Test
    void every_error_code_is_unique_snake_case_with_a_client_or_server_status() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code))
                .doesNotHaveDuplicates()
                .allMatch(code -> code.matches("[a-z][a-z0-9_]*"));
        assertThat(ErrorCode.values()).allSatisfy(code -> {
            assertThat(code.httpStatus()).isBetween(400, 599);
            assertThat(code.meaning()).isNotBlank();
            assertThat(ErrorCode.fromCode(code.code())).contains(code);
        });
    }

    @Test
    void protocol_exception_becomes_an_error_body_naming_the_field() {
        ProtocolException e =
                new ProtocolException(ErrorCode.INVALID_FIELD, "envelope.seq", "expected unsigned integer, got string");
        assertThat(e.toErrorBody())
                .isEqualTo(new ErrorBody("invalid_field", "envelope.seq: expected unsigned integer, got string"));
        assertThat(e.withSeq(new Seq(4)).seq()).contains(new Seq(4));
    }
}
