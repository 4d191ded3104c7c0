// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.nexuslink.protocol.Bytes;

/** The REST JSON conventions, as exact text: what the server has always written. */
class ApiJsonTest {
    private final ObjectMapper strict = ApiJson.strict();
    private final ObjectMapper tolerant = ApiJson.tolerant();

    @Test
    void fields_are_snake_case_and_absent_optionals_are_left_out() throws Exception {
        MembersApi.MemberView member =
                new MembersApi.MemberView("nxl:a", Optional.empty(), "member", "active", "2026-01-01T00:00:00Z");
        assertThat(strict.writeValueAsString(member))
                .isEqualTo("{\"account_id\":\"nxl:a\",\"role\":\"member\",\"status\":\"active\","
                        + "\"joined_at\":\"2026-01-01T00:00:00Z\"}");
        assertThat(strict.writeValueAsString(
                        new MembersApi.MemberView("nxl:a", Optional.of("alice"), "admin", "active", "t")))
                .contains("\"display_name\":\"alice\"");
    }

    @Test
    void bytes_are_standard_base64_both_ways() throws Exception {
        MessagesApi.Copy copy = new MessagesApi.Copy("nxl:b", 2, 1, Bytes.of(new byte[] {(byte) 0xfb, (byte) 0xff}));
        String text = strict.writeValueAsString(copy);
        assertThat(text).isEqualTo("{\"account\":\"nxl:b\",\"device\":2,\"type\":1,\"ciphertext\":\"+/8=\"}");
        assertThat(strict.readValue(text, MessagesApi.Copy.class)).isEqualTo(copy);
    }

    @Test
    void bad_base64_names_its_field() {
        assertThatThrownBy(() -> strict.readValue("{\"revocation\":\"***\"}", DevicesApi.RemoveRequest.class))
                .isInstanceOf(MismatchedInputException.class)
                .satisfies(e -> assertThat(((MismatchedInputException) e)
                                .getPath()
                                .getFirst()
                                .getFieldName())
                        .isEqualTo("revocation"));
    }

    @Test
    void the_channel_flag_is_called_private() throws Exception {
        ChannelsApi.CreateRequest create = new ChannelsApi.CreateRequest("ops", null, null, true, null, null);
        assertThat(strict.writeValueAsString(create)).isEqualTo("{\"name\":\"ops\",\"private\":true}");
        assertThat(strict.readValue("{\"name\":\"ops\",\"private\":false}", ChannelsApi.CreateRequest.class)
                        .isPrivate())
                .isFalse();
    }

    @Test
    void the_strict_mapper_refuses_unknown_fields_and_the_tolerant_one_ignores_them() throws Exception {
        String answer = "{\"time\":\"t\",\"queued\":2,\"later_field\":1}";
        assertThatThrownBy(() -> strict.readValue(answer, MessagesApi.SendResponse.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
        assertThat(tolerant.readValue(answer, MessagesApi.SendResponse.class))
                .isEqualTo(new MessagesApi.SendResponse("t", 2));
    }

    @Test
    void missing_optionals_and_lists_read_as_empty() throws Exception {
        PrekeysApi.Bundles bundles = tolerant.readValue("{\"account_id\":\"nxl:a\"}", PrekeysApi.Bundles.class);
        assertThat(bundles.devices()).isEmpty();
        assertThat(bundles.revocations()).isEmpty();
        PrekeysApi.Counts counts = tolerant.readValue("{\"device_id\":1}", PrekeysApi.Counts.class);
        assertThat(counts.signedPrekeyAgeSeconds()).isEqualTo(OptionalLong.empty());
        Health health = tolerant.readValue(
                "{\"status\":\"healthy\",\"version\":\"v\",\"database\":\"connected\"," + "\"redis\":\"disabled\"}",
                Health.class);
        assertThat(health.pendingMessages()).isEmpty();
    }

    @Test
    void audit_details_keep_their_json_object() throws Exception {
        String text = "{\"id\":1,\"actor\":\"console\",\"action\":\"ban\",\"details\":{\"reason\":\"spam\",\"n\":2},"
                + "\"created_at\":\"t\"}";
        AuditApi.Entry entry = tolerant.readValue(text, AuditApi.Entry.class);
        assertThat(entry.details()).isEqualTo(Map.of("reason", "spam", "n", 2));
        assertThat(entry.targetAccount()).isEmpty();
        assertThat(strict.writeValueAsString(entry)).isEqualTo(text);
    }

    @Test
    void a_token_never_shows_in_to_string() {
        AuthApi.TokenResponse token = new AuthApi.TokenResponse("nxl:a", 1, "secret-token", "t");
        assertThat(token.toString()).doesNotContain("secret-token");
        assertThat(new AuthApi.JoinResponse("nxl:a", "member", 1, "secret-token", "t").toString())
                .doesNotContain("secret-token");
    }
}
