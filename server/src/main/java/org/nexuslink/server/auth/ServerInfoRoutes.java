// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import java.util.Locale;
import java.util.Objects;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ServerInfo;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.ops.Version;

/**
 * {@code GET /api/v1/server}, without auth: this server's id, long-term public key, name, role and
 * version, which a client pins at join (docs/api.md). Thread-safe.
 */
public final class ServerInfoRoutes {
    private final ServerInfo info;

    public ServerInfoRoutes(ServerIdentity identity, String name, Config.Role role) {
        Objects.requireNonNull(identity, "identity");
        this.info = new ServerInfo(
                identity.serverId(),
                identity.publicKey().base64(),
                Objects.requireNonNull(name, "name"),
                role.name().toLowerCase(Locale.ROOT),
                Version.current());
    }

    public void register(Router router) {
        router.add(ApiRoute.SERVER_INFO, this::server);
    }

    private Response server(Request request) {
        return Response.ok(info);
    }
}
