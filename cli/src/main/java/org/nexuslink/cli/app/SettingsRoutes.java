// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import io.javalin.config.RoutesConfig;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.nexuslink.client.store.Settings;

/** The app's own settings, kept in the profile's sealed settings. */
final class SettingsRoutes {
    static final String NOTIFICATIONS = "app.notifications";
    static final Set<String> NOTIFICATION_MODES = Set.of("off", "hidden", "full");
    /** Notify without the message text unless the user asks for more. */
    static final String DEFAULT_NOTIFICATIONS = "hidden";

    private SettingsRoutes() {}

    static void register(RoutesConfig routes, AppSession session) {
        routes.get(
                "/api/settings",
                ctx -> AppJson.send(
                        ctx, settings(session.unlocked().client().store().settings())));
        routes.put("/api/settings", ctx -> {
            String mode = AppJson.text(AppJson.body(ctx), "notifications");
            if (!NOTIFICATION_MODES.contains(mode)) {
                throw ApiError.badRequest("notifications is off, hidden or full, not '" + mode + "'");
            }
            Settings settings = session.unlocked().client().store().settings();
            settings.put(NOTIFICATIONS, mode.getBytes(StandardCharsets.UTF_8));
            AppJson.send(ctx, settings(settings));
        });
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode settings(Settings settings) {
        String mode = settings.get(NOTIFICATIONS)
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .filter(NOTIFICATION_MODES::contains)
                .orElse(DEFAULT_NOTIFICATIONS);
        return AppJson.object().put("notifications", mode);
    }
}
