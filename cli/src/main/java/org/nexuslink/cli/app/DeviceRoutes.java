// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import org.nexuslink.cli.client.ClientFailure;
import org.nexuslink.cli.client.DeviceApproval;
import org.nexuslink.cli.client.DeviceLinkCommand;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.InvalidLinkRequestException;
import org.nexuslink.crypto.identity.LinkRequest;
import org.nexuslink.protocol.api.DevicesApi;

/** The account's devices: list, approve a new device's link request, remove one. */
final class DeviceRoutes {
    private DeviceRoutes() {}

    static void register(RoutesConfig routes, AppSession session) {
        routes.get("/api/devices", ctx -> {
            AppSession.Unlocked u = session.joined();
            int me = u.client().device().deviceId();
            ObjectNode answer = AppJson.object();
            ArrayNode list = answer.putArray("devices");
            for (DevicesApi.DeviceView d : u.client().devices().devices()) {
                ObjectNode node = list.addObject().put("id", d.deviceId());
                put(node, "type", d.deviceType());
                put(node, "createdAt", d.registeredAt());
                put(node, "lastSeen", d.lastActiveAt());
                node.put("current", d.deviceId() == me);
            }
            answer.put("canLink", u.keys().identity().isPresent());
            AppJson.send(ctx, answer);
        });
        routes.post("/api/devices/link", ctx -> {
            String code = AppJson.text(AppJson.body(ctx), "code").strip();
            LinkRequest request;
            try {
                request = LinkRequest.parse(code);
            } catch (InvalidLinkRequestException e) {
                throw ApiError.badRequest("not a link code: " + e.getMessage());
            }
            AppSession.Unlocked u = session.joined();
            DeviceCertificate certificate;
            try {
                certificate = DeviceApproval.approve(
                        u.client(), u.keys(), request, session.environment().clock());
            } catch (ClientFailure e) {
                throw ApiError.badRequest(e.getMessage());
            }
            AppJson.send(
                    ctx,
                    AppJson.object()
                            .put("certificateCode", DeviceLinkCommand.certificateCode(certificate))
                            .put("device", certificate.deviceId().value()));
        });
        routes.delete("/api/devices/{id}", ctx -> {
            int id;
            try {
                id = Integer.parseInt(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("a device id is a number, not '" + ctx.pathParam("id") + "'");
            }
            if (id < 1 || id > 127) {
                throw ApiError.badRequest("a device id is 1 to 127, not " + id);
            }
            AppSession.Unlocked u = session.joined();
            try {
                DeviceApproval.remove(u.client(), u.keys(), id);
            } catch (ClientFailure e) {
                throw ApiError.badRequest(e.getMessage());
            }
            ctx.status(204);
        });
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
