// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.client.RefusedException;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.protocol.api.ApiJson;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.AuditApi;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.protocol.api.MembersApi;

/**
 * The admin operations through a running server's REST API (docs/api.md), as the account of a
 * profile's identity: it authenticates its device with a signed challenge (through the client's
 * {@link CommunityApi}, pinned to the key the server presents), then sends the bearer token with
 * every call. Every wait has a timeout.
 */
final class RemoteAdministration implements Administration {
    private static final ObjectMapper JSON = ApiJson.tolerant();
    /** Members fetched per page (the server's maximum). */
    private static final int PAGE = 500;

    private final CommunityApi api;
    private final String token;

    private RemoteAdministration(CommunityApi api, String token) {
        this.api = api;
        this.token = token;
    }

    /** Authenticates the profile's device at {@code server}. */
    static RemoteAdministration connect(URI server, VaultContents identity) {
        return remote(server, () -> {
            CommunityApi api = new CommunityApi(server).trustOnFirstUse();
            CommunityApi.Session session = api.authenticate(
                    identity.accountId().toString(), identity.deviceId().value(), identity.deviceKey());
            return new RemoteAdministration(api, session.token());
        });
    }

    @Override
    public List<MemberRow> members() {
        List<MemberRow> rows = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            Optional<String> from = after;
            MembersApi.MemberPage page =
                    call(() -> from.isEmpty() ? api.members(PAGE, token) : api.members(from.get(), PAGE, token));
            page.members().forEach(m -> rows.add(member(m)));
            after = page.next();
        } while (after.isPresent());
        return rows;
    }

    @Override
    public MemberRow setRole(String account, String role) {
        return member(call(() -> api.call(
                ApiRoute.MEMBER_ROLE, new MembersApi.RoleRequest(role), MembersApi.MemberView.class, token, account)));
    }

    @Override
    public MemberRow ban(String account, String reason) {
        return member(call(() -> api.call(
                ApiRoute.MEMBER_BAN, new MembersApi.BanRequest(reason), MembersApi.MemberView.class, token, account)));
    }

    @Override
    public MemberRow unban(String account) {
        return member(call(() -> api.call(ApiRoute.MEMBER_UNBAN, null, MembersApi.MemberView.class, token, account)));
    }

    @Override
    public Optional<String> mute(String account, Optional<UUID> channel, Optional<Duration> duration, String reason) {
        MembersApi.MuteRequest body = new MembersApi.MuteRequest(
                channel.map(UUID::toString).orElse(null),
                duration.map(Duration::toSeconds).orElse(null),
                reason);
        return call(() -> api.call(ApiRoute.MEMBER_MUTE, body, MembersApi.MuteView.class, token, account))
                .expiresAt();
    }

    @Override
    public void unmute(String account, Optional<UUID> channel) {
        Map<String, Object> query = new LinkedHashMap<>();
        channel.ifPresent(c -> query.put("channel_id", c));
        call(() -> {
            api.perform(ApiRoute.MEMBER_UNMUTE, List.of(account), query, null, token);
            return null;
        });
    }

    @Override
    public void kick(String account, String reason) {
        Map<String, Object> query = reason.isEmpty() ? Map.of() : Map.of("reason", reason);
        call(() -> {
            api.perform(ApiRoute.MEMBER_REMOVE, List.of(account), query, null, token);
            return null;
        });
    }

    @Override
    public List<ChannelRow> channels() {
        return call(() -> api.channels(token)).channels().stream()
                .map(RemoteAdministration::channel)
                .toList();
    }

    @Override
    public ChannelRow createChannel(String name, String type, boolean isPrivate, String description) {
        ChannelsApi.CreateRequest body = new ChannelsApi.CreateRequest(name, type, description, isPrivate, null, null);
        return channel(call(() -> api.call(ApiRoute.CHANNEL_CREATE, body, ChannelsApi.ChannelView.class, token)));
    }

    @Override
    public ChannelRow archiveChannel(UUID id, boolean archived) {
        ChannelsApi.UpdateRequest body = new ChannelsApi.UpdateRequest(null, null, null, archived, null, null);
        return channel(call(() -> api.call(ApiRoute.CHANNEL_UPDATE, body, ChannelsApi.ChannelView.class, token, id)));
    }

    @Override
    public List<AuditRow> audit(AuditQuery q) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("limit", q.limit());
        q.actor().ifPresent(a -> query.put("actor", a));
        q.target().ifPresent(t -> query.put("target", t));
        q.action().ifPresent(a -> query.put("action", a));
        q.since().ifPresent(s -> query.put("since", s));
        AuditApi.Page page = call(() -> api.call(ApiRoute.AUDIT, List.of(), query, null, AuditApi.Page.class, token));
        return page.entries().stream()
                .map(e -> new AuditRow(
                        e.id(),
                        e.createdAt(),
                        e.actor(),
                        e.action(),
                        e.targetAccount().orElse(""),
                        e.targetChannel().orElse(""),
                        json(e.details())))
                .toList();
    }

    @Override
    public void close() {
        api.http().close();
    }

    /** One exchange with the server. */
    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException, InterruptedException;
    }

    private <T> T call(Exchange<T> exchange) {
        return remote(api.server(), exchange);
    }

    /** Runs an exchange, turning a refusal or a failure to reach the server into an {@link AdminFailure}. */
    private static <T> T remote(URI server, Exchange<T> exchange) {
        try {
            return exchange.run();
        } catch (RefusedException e) {
            throw new AdminFailure(e.wireCode() + ": " + e.detail(), e);
        } catch (IOException e) {
            throw new AdminFailure("cannot reach " + server + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminFailure("interrupted while talking to " + server, e);
        }
    }

    private static String json(Map<String, Object> details) {
        try {
            return JSON.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit details always serialise", e);
        }
    }

    private static MemberRow member(MembersApi.MemberView m) {
        return new MemberRow(m.accountId(), m.displayName().orElse(""), m.role(), m.status(), m.joinedAt());
    }

    private static ChannelRow channel(ChannelsApi.ChannelView c) {
        return new ChannelRow(c.id(), c.name(), c.type(), c.isPrivate(), c.archived());
    }
}
