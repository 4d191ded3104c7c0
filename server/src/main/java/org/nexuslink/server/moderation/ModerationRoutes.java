// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.moderation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.accounts.AccountService;
import org.nexuslink.server.accounts.Member;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.channels.ChannelRoutes;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.Actor;

/**
 * Seed 000's role change and removal, and the moderation endpoints (ban, mute) under
 * {@code /api/v1/members/{account_id}}; docs/api.md documents each one.
 */
public final class ModerationRoutes {
    private final ModerationService moderation;
    private final Authenticator authenticator;
    private final JsonBodies bodies;

    public ModerationRoutes(ModerationService moderation, Authenticator authenticator, JsonBodies bodies) {
        this.moderation = Objects.requireNonNull(moderation, "moderation");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
    }

    record RoleRequest(String role) {}

    record BanRequest(String reason) {}

    record MuteRequest(String channelId, Long durationSeconds, String reason) {}

    record MemberView(String accountId, Optional<String> displayName, String role, String status, String joinedAt) {
        static MemberView of(Member m) {
            return new MemberView(m.account().toString(), m.name(), m.role().wireName(),
                    m.banned() ? "banned" : "active", m.joinedAt().toString());
        }
    }

    record MuteView(String accountId, Optional<String> channelId, Optional<String> expiresAt, Optional<String> reason) {
        static MuteView of(ModerationService.Mute mute) {
            return new MuteView(mute.account().toString(), mute.channel().map(ChannelId::toString),
                    mute.expiresAt().map(Object::toString),
                    mute.reason().isEmpty() ? Optional.empty() : Optional.of(mute.reason()));
        }
    }

    public void register(Router router) {
        router.put("/api/v1/members/{account_id}/role", this::changeRole);
        router.delete("/api/v1/members/{account_id}", this::remove);
        router.post("/api/v1/members/{account_id}/ban", this::ban);
        router.delete("/api/v1/members/{account_id}/ban", this::unban);
        router.post("/api/v1/members/{account_id}/mute", this::mute);
        router.delete("/api/v1/members/{account_id}/mute", this::unmute);
    }

    private Response changeRole(Request request) {
        Principal caller = authenticator.authenticate(request);
        AccountId target = target(request);
        RoleRequest body = bodies.read(request, RoleRequest.class);
        Role role = Role.fromWire(body.role() == null ? "" : body.role()).orElseThrow(() -> new ApiException(
                ErrorCode.INVALID_FIELD, "role must be admin, moderator or member, got '" + body.role() + "'"));
        return Response.ok(MemberView.of(moderation.changeRole(Actor.of(caller.account()), target, role)));
    }

    private Response remove(Request request) {
        Principal caller = authenticator.authenticate(request);
        AccountId target = target(request);
        String reason = request.queryParam("reason").orElse("");
        if (target.equals(caller.account())) {
            moderation.leave(caller.account());
        } else {
            moderation.kick(Actor.of(caller.account()), target, reason);
        }
        return new Response.Raw(204, "application/json", new byte[0]);
    }

    private Response ban(Request request) {
        Principal caller = authenticator.authenticate(request);
        AccountId target = target(request);
        String reason = request.body().length == 0 ? ""
                : Objects.requireNonNullElse(bodies.read(request, BanRequest.class).reason(), "");
        return Response.ok(MemberView.of(moderation.ban(Actor.of(caller.account()), target, reason)));
    }

    private Response unban(Request request) {
        Principal caller = authenticator.authenticate(request);
        return Response.ok(MemberView.of(moderation.unban(Actor.of(caller.account()), target(request))));
    }

    private Response mute(Request request) {
        Principal caller = authenticator.authenticate(request);
        AccountId target = target(request);
        MuteRequest body = request.body().length == 0 ? new MuteRequest(null, null, null)
                : bodies.read(request, MuteRequest.class);
        Optional<ChannelId> channel = Optional.ofNullable(body.channelId()).map(c -> ChannelRoutes.channelId("channel_id", c));
        Optional<Duration> duration = Optional.ofNullable(body.durationSeconds()).map(Duration::ofSeconds);
        return Response.ok(MuteView.of(moderation.mute(Actor.of(caller.account()), target, channel, duration,
                Objects.requireNonNullElse(body.reason(), ""))));
    }

    private Response unmute(Request request) {
        Principal caller = authenticator.authenticate(request);
        AccountId target = target(request);
        Optional<ChannelId> channel = request.queryParam("channel_id").map(c -> ChannelRoutes.channelId("channel_id", c));
        moderation.unmute(Actor.of(caller.account()), target, channel);
        return new Response.Raw(204, "application/json", new byte[0]);
    }

    private static AccountId target(Request request) {
        return AccountService.accountId("account_id", request.pathParam("account_id"));
    }
}
