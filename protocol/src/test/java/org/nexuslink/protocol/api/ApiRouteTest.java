// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
    void an_iterable_query_value_repeats_its_parameter() {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("limit", 20);
        query.put("tag", List.of("rust lang", "c&c"));
        assertThat(ApiRoute.DIRECTORY_SEARCH.path(query))
                .isEqualTo("/api/v1/community/search?limit=20&tag=rust+lang&tag=c%26c");
        assertThat(ApiRoute.DIRECTORY_SEARCH.path(Map.of("tag", List.of()))).isEqualTo("/api/v1/community/search");
    }

    @Test
    void each_route_names_the_roles_that_serve_it() {
        assertThat(ApiRoute.MEMBERS.servedBy(ApiRoute.ServerRole.COMMUNITY)).isTrue();
        assertThat(ApiRoute.MEMBERS.servedBy(ApiRoute.ServerRole.DIRECTORY)).isFalse();
        assertThat(ApiRoute.DIRECTORY_LISTING.servedBy(ApiRoute.ServerRole.DIRECTORY))
                .isTrue();
        assertThat(ApiRoute.DIRECTORY_LISTING.servedBy(ApiRoute.ServerRole.COMMUNITY))
                .isFalse();
        assertThat(ApiRoute.SERVER_INFO.servedBy(ApiRoute.ServerRole.COMMUNITY)).isTrue();
        assertThat(ApiRoute.SERVER_INFO.servedBy(ApiRoute.ServerRole.DIRECTORY)).isTrue();
        assertThat(ApiRoute.values())
                .allMatch(r -> r.servedBy(ApiRoute.ServerRole.COMMUNITY) || r.servedBy(ApiRoute.ServerRole.DIRECTORY));
    }

    @Test
    void a_wrong_number_of_path_values_is_refused() {
        assertThatThrownBy(() -> ApiRoute.CHANNEL.path())
                .isInstanceOf(IllegalArgumentException.class)
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
