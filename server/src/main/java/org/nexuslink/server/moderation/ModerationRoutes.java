// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.moderation;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.MembersApi.BanRequest;
import org.nexuslink.protocol.api.MembersApi.MuteRequest;
import org.nexuslink.protocol.api.MembersApi.MuteView;
import org.nexuslink.protocol.api.MembersApi.RoleRequest;
import org.nexuslink.server.accounts.AccountRoutes;
import org.nexuslink.server.accounts.AccountService;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.channels.ChannelRoutes;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelId;

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

    private static MuteView muteView(ModerationService.Mute mute) {
        return new MuteView(
                mute.account().toString(),
                mute.channel().map(ChannelId::toString),
                mute.expiresAt().map(Object::toString),
                mute.reason().isEmpty() ? Optional.empty() : Optional.of(mute.reason()));
    }

    public void register(Router router) {
        router.add(ApiRoute.MEMBER_ROLE, this::changeRole);
        router.add(ApiRoute.MEMBER_REMOVE, this::remove);
        router.add(ApiRoute.MEMBER_BAN, this::ban);
        router.add(ApiRoute.MEMBER_UNBAN, this::unban);
        router.add(ApiRoute.MEMBER_MUTE, this::mute);
        router.add(ApiRoute.MEMBER_UNMUTE, this::unmute);
    }

    private Response changeRole(Request request) {
        Principal caller = authenticator.authenticate(request);
        AccountId target = target(request);
        RoleRequest body = bodies.read(request, RoleRequest.class);
        Role role = Role.fromWire(body.role() == null ? "" : body.role())
                .orElseThrow(() -> new ApiException(
                        ErrorCode.INVALID_FIELD, "role must be admin, moderator or member, got '" + body.role() + "'"));
        return Response.ok(AccountRoutes.memberView(moderation.changeRole(Actor.of(caller.account()), target, role)));
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
        String reason = request.body().length == 0
                ? ""
                : Objects.requireNonNullElse(
                        bodies.read(request, BanRequest.class).reason(), "");
        return Response.ok(AccountRoutes.memberView(moderation.ban(Actor.of(caller.account()), target, reason)));
    }

    private Response unban(Request request) {
        Principal caller = authenticator.authenticate(request);
        return Response.ok(AccountRoutes.memberView(moderation.unban(Actor.of(caller.account()), target(request))));
    }

    private Response mute(Request request) {
        Principal caller = authenticator.authenticate(request);
        AccountId target = target(request);
        MuteRequest body = request.body().length == 0
                ? new MuteRequest(null, null, null)
                : bodies.read(request, MuteRequest.class);
        Optional<ChannelId> channel =
                Optional.ofNullable(body.channelId()).map(c -> ChannelRoutes.channelId("channel_id", c));
        Optional<Duration> duration =
                Optional.ofNullable(body.durationSeconds()).map(Duration::ofSeconds);
        return Response.ok(muteView(moderation.mute(
                Actor.of(caller.account()), target, channel, duration, Objects.requireNonNullElse(body.reason(), ""))));
    }

    private Response unmute(Request request) {
        Principal caller = authenticator.authenticate(request);
        AccountId target = target(request);
        Optional<ChannelId> channel =
                request.queryParam("channel_id").map(c -> ChannelRoutes.channelId("channel_id", c));
        moderation.unmute(Actor.of(caller.account()), target, channel);
        return new Response.Raw(204, "application/json", new byte[0]);
    }

    private static AccountId target(Request request) {
        return AccountService.accountId("account_id", request.pathParam("account_id"));
    }
}
