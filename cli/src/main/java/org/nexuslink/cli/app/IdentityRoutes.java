// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import java.util.List;
import org.nexuslink.cli.client.ProfileWipe;
import org.nexuslink.crypto.identity.LinkRequest;

/** The profile's life: state, create, restore, link as a new device, unlock, lock, wipe. */
final class IdentityRoutes {
    private IdentityRoutes() {}

    static void register(RoutesConfig routes, AppSession session) {
        routes.get("/api/state", ctx -> AppJson.send(ctx, session.state()));
        routes.post("/api/identity", ctx -> {
            JsonNode body = AppJson.body(ctx);
            String passphrase = AppJson.text(body, "passphrase");
            JsonNode words = body.get("words");
            int count = words == null || words.isNull() ? 12 : words.isInt() ? words.intValue() : -1;
            List<String> mnemonic = session.create(passphrase, count);
            ObjectNode answer = AppJson.object();
            answer.put("account", session.unlocked().keys().accountId().toString());
            answer.set("words", AppSession.strings(mnemonic));
            answer.set("state", session.state());
            AppJson.send(ctx, answer);
        });
        routes.post("/api/identity/restore", ctx -> {
            JsonNode body = AppJson.body(ctx);
            session.restore(AppJson.text(body, "passphrase"), AppJson.text(body, "words"));
            ObjectNode answer = AppJson.object();
            answer.put("account", session.unlocked().keys().accountId().toString());
            answer.set("state", session.state());
            AppJson.send(ctx, answer);
        });
        routes.post("/api/link/request", ctx -> {
            LinkRequest request = session.requestLink(AppJson.text(AppJson.body(ctx), "passphrase"));
            AppJson.send(
                    ctx,
                    AppJson.object()
                            .put("code", request.toCode())
                            .put("expiresAt", request.expiresAt().toString()));
        });
        routes.post("/api/link/finish", ctx -> {
            JsonNode body = AppJson.body(ctx);
            session.finishLink(AppJson.text(body, "passphrase"), AppJson.text(body, "certificate"));
            AppJson.send(ctx, session.state());
        });
        routes.post("/api/unlock", ctx -> {
            session.unlock(AppJson.text(AppJson.body(ctx), "passphrase"));
            AppJson.send(ctx, session.state());
        });
        routes.post("/api/lock", ctx -> {
            session.lockProfile();
            AppJson.send(ctx, session.state());
        });
        routes.post("/api/wipe", ctx -> {
            JsonNode body = AppJson.body(ctx);
            if (!ProfileWipe.CONFIRMATION.equals(
                    AppJson.optionalText(body, "confirm").orElse(""))) {
                throw ApiError.badRequest("type " + ProfileWipe.CONFIRMATION + " to confirm; nothing was wiped");
            }
            session.wipe();
            AppJson.send(ctx, session.state());
        });
    }
}
