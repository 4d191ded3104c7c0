// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.session;

import java.util.Objects;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.community.GatewayConnection;

/**
 * The ways to reach a community server during one connection: its REST API with this device's
 * current token, and the gateway WebSocket.
 */
public record Wire(CommunityApi api, String token, GatewayConnection gateway) {
    public Wire {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(gateway, "gateway");
    }

    @Override
    public String toString() {
        return "Wire[" + api.server() + "]";
    }
}
