// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ApiRouteTest {
    @Test
    void a_path_fills_the_pattern_parameters_in_order() {
        assertThat(ApiRoute.CHANNEL_MEMBER_ADD.path("c1", "nxl:abc"))
                .isEqualTo("/api/v1/channels/c1/members/nxl%3Aabc");
        assertThat(ApiRoute.CHANNEL_MEMBER_ADD.parameters()).containsExactly("id", "account_id");
        assertThat(ApiRoute.DEVICES.path()).isEqualTo("/api/v1/devices");
    }

    @Test
    void a_path_value_is_one_encoded_segment() {
        assertThat(ApiRoute.MEMBER_REMOVE.path("a/b c?d")).isEqualTo("/api/v1/members/a%2Fb%20c%3Fd");
    }

    @Test
    void a_query_is_appended_encoded_in_its_order() {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("limit", 500);
        query.put("after", "nxl:x&y");
        assertThat(ApiRoute.MEMBERS.path(query)).isEqualTo("/api/v1/members?limit=500&after=nxl%3Ax%26y");
        assertThat(ApiRoute.MEMBERS.path(Map.of())).isEqualTo("/api/v1/members");
    }

    @Test
    void a_wrong_number_of_path_values_is_refused() {
        assertThatThrownBy(() -> ApiRoute.CHANNEL.path()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CHANNEL takes 1 path values [id], got 0");
        assertThatThrownBy(() -> ApiRoute.DEVICES.path("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void every_route_is_named_once() {
        Map<String, Long> counts = Arrays.stream(ApiRoute.values())
                .collect(Collectors.groupingBy(r -> r.method() + " " + r.pattern(), Collectors.counting()));
        assertThat(counts.values()).allMatch(n -> n == 1);
    }
}
