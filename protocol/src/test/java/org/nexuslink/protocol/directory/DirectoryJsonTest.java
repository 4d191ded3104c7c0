// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.ApiJson;

/** The directory's records under the REST contract's JSON rules ({@link ApiJson}). */
class DirectoryJsonTest {
    private static final ObjectMapper STRICT = ApiJson.strict();

    @Test
    void kyc_materials_are_one_object_of_base64_values_in_name_order() throws Exception {
        KycMaterials materials = KycMaterials.of(Map.of(
                "selfie",
                Bytes.of(new byte[] {1, 2}),
                "government_id",
                Bytes.of("id".getBytes(StandardCharsets.UTF_8))));

        String json = STRICT.writeValueAsString(materials);

        assertThat(json).isEqualTo("{\"government_id\":\"aWQ=\",\"selfie\":\"AQI=\"}");
        assertThat(STRICT.readValue(json, KycMaterials.class)).isEqualTo(materials);
    }

    @Test
    void kyc_materials_that_are_not_base64_are_refused() {
        assertThatThrownBy(() -> STRICT.readValue("{\"selfie\":\"not base64!\"}", KycMaterials.class))
                .isInstanceOf(InvalidFormatException.class);
    }

    @Test
    void an_account_payload_omits_the_fields_its_route_does_not_use() throws Exception {
        AccountPayload payload = new AccountPayload(
                "nxs-d",
                5,
                "n0nce",
                "nxl:a",
                Optional.empty(),
                Optional.empty(),
                Optional.of("nxc-1"),
                Optional.of("spam"),
                Optional.of("ads"),
                Optional.empty());

        String json = STRICT.writeValueAsString(payload);

        assertThat(json)
                .isEqualTo("{\"directory\":\"nxs-d\",\"timestamp\":5,\"nonce\":\"n0nce\",\"account\":\"nxl:a\","
                        + "\"community_id\":\"nxc-1\",\"category\":\"spam\",\"details\":\"ads\"}");
        assertThat(STRICT.readValue(json, AccountPayload.class)).isEqualTo(payload);
    }

    @Test
    void a_deleted_listing_names_its_id() throws Exception {
        assertThat(STRICT.writeValueAsString(new CommunityDeleted("nxc-1"))).isEqualTo("{\"deleted\":\"nxc-1\"}");
        assertThat(STRICT.readValue("{\"deleted\":\"nxc-1\"}", CommunityDeleted.class)
                        .deleted())
                .isEqualTo("nxc-1");
    }
}
