// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nexuslink.protocol.ErrorCode;

class RefusedExceptionTest {
    @Test
    void a_known_code_is_the_protocols_enum_and_the_message_names_it() {
        RefusedException e = RefusedException.http(409, "stale_devices", "missing nxl:b:2");

        assertThat(e.code()).isEqualTo(ErrorCode.STALE_DEVICES);
        assertThat(e.wireCode()).isEqualTo("stale_devices");
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.detail()).isEqualTo("missing nxl:b:2");
        assertThat(e).hasMessage("stale_devices (409): missing nxl:b:2");
    }

    @Test
    void a_code_this_build_does_not_know_maps_to_its_status_and_stays_readable() {
        RefusedException newer = RefusedException.http(429, "slow_down_please", "");
        RefusedException broken = RefusedException.http(502, "not_json", "GET /x answered 502");

        assertThat(newer.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(newer.wireCode()).isEqualTo("slow_down_please");
        assertThat(broken.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(RefusedException.http(418, "teapot", "").code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void a_gateway_refusal_carries_the_codes_http_status() {
        RefusedException e = RefusedException.gateway("forbidden", "role: member may not write");

        assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(e.status()).isEqualTo(403);
        assertThat(e).hasMessage("forbidden: role: member may not write");
    }
}
