// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi.Access;
import org.nexuslink.protocol.api.ChannelsApi.ChannelList;
import org.nexuslink.protocol.api.ChannelsApi.ChannelView;
import org.nexuslink.protocol.api.ChannelsApi.Condition;
import org.nexuslink.protocol.api.ChannelsApi.CreateRequest;
import org.nexuslink.protocol.api.ChannelsApi.MemberEntry;
import org.nexuslink.protocol.api.ChannelsApi.MemberList;
import org.nexuslink.protocol.api.ChannelsApi.PermissionRow;
import org.nexuslink.protocol.api.ChannelsApi.UpdateRequest;
import org.nexuslink.server.accounts.AccountService;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.ChannelType;
import org.nexuslink.server.permissions.Decision;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.permissions.RolePermissions;
import org.nexuslink.server.permissions.SpeakingCondition;

/** Seed 000's channel endpoints and the private member list; docs/api.md documents each one. */
public final class ChannelRoutes {
    private final ChannelService channels;
    private final Authenticator authenticator;
    private final JsonBodies bodies;

    public ChannelRoutes(ChannelService channels, Authenticator authenticator, JsonBodies bodies) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
    }

    private static PermissionRow permissionRow(RolePermissions row) {
        return new PermissionRow(row.read(), row.write(), row.manage());
    }

    private static RolePermissions rolePermissions(String role, PermissionRow row) {
        if (row.canRead() == null || row.canWrite() == null || row.canManage() == null) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD, "permissions." + role + " needs can_read, can_write and can_manage");
        }
        return new RolePermissions(row.canRead(), row.canWrite(), row.canManage());
    }

    private static Condition conditionView(SpeakingCondition condition) {
        return switch (condition) {
            case SpeakingCondition.MinimumRole r ->
                new Condition(r.kind(), r.minimum().wireName(), null);
            case SpeakingCondition.MinimumMembershipAge a ->
                new Condition(a.kind(), null, a.age().toSeconds());
        };
    }

    private static SpeakingCondition speakingCondition(Condition condition) {
        String type = condition.type();
        String role = condition.role();
        Long seconds = condition.seconds();
        if (type == null) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "speaking_conditions[].type is required");
        }
        try {
            return switch (type) {
                case SpeakingCondition.MinimumRole.KIND -> {
                    if (role == null || seconds != null) {
                        throw new IllegalArgumentException("min_role takes exactly 'role'");
                    }
                    yield SpeakingCondition.of(type, role);
                }
                case SpeakingCondition.MinimumMembershipAge.KIND -> {
                    if (seconds == null || role != null) {
                        throw new IllegalArgumentException("min_membership_age takes exactly 'seconds'");
                    }
                    yield new SpeakingCondition.MinimumMembershipAge(Duration.ofSeconds(seconds));
                }
                default -> SpeakingCondition.of(type, "");
            };
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "speaking_conditions: " + e.getMessage());
        }
    }

    private static Access access(Permissions.Access access) {
        return new Access(
                access.read().allowed(),
                access.write().allowed(),
                access.manage().allowed(),
                access.write() instanceof Decision.Denied d
                        ? Optional.of(d.reason().wireName() + ": " + d.message())
                        : Optional.empty());
    }

    private static ChannelView channelView(ChannelService.Visible visible) {
        Channel c = visible.channel();
        Map<String, PermissionRow> rows = new LinkedHashMap<>();
        for (Role role : Role.values()) {
            rows.put(role.wireName(), permissionRow(c.permissions().get(role)));
        }
        return new ChannelView(
                c.id().toString(),
                c.name(),
                c.type().wireName(),
                c.description(),
                c.isPrivate(),
                c.archived(),
                c.creator().map(Object::toString),
                c.createdAt().toString(),
                rows,
                c.conditions().stream().map(ChannelRoutes::conditionView).toList(),
                access(visible.access()));
    }

    public void register(Router router) {
        router.add(ApiRoute.CHANNEL_CREATE, this::create);
        router.add(ApiRoute.CHANNELS, this::list);
        router.add(ApiRoute.CHANNEL, this::get);
        router.add(ApiRoute.CHANNEL_UPDATE, this::update);
        router.add(ApiRoute.CHANNEL_DELETE, this::delete);
        router.add(ApiRoute.CHANNEL_MEMBERS, this::members);
        router.add(ApiRoute.CHANNEL_MEMBER_ADD, this::addMember);
        router.add(ApiRoute.CHANNEL_MEMBER_REMOVE, this::removeMember);
    }

    private Actor actor(Request request) {
        return Actor.of(authenticator.authenticate(request).account());
    }

    private Response create(Request request) {
        Actor actor = actor(request);
        CreateRequest body = bodies.read(request, CreateRequest.class);
        if (body.name() == null) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "name is required");
        }
        ChannelType type = body.type() == null
                ? ChannelType.TEXT
                : ChannelType.fromWire(body.type())
                        .orElseThrow(() -> new ApiException(
                                ErrorCode.INVALID_FIELD,
                                "type must be text, announcement or voice, got '" + body.type() + "'"));
        Map<Role, RolePermissions> rows = Channel.defaultPermissions(type);
        rows.putAll(rows(body.permissions()));
        Channel draft = channel(() -> Channel.draft(
                body.name(),
                type,
                Objects.requireNonNullElse(body.description(), ""),
                Boolean.TRUE.equals(body.isPrivate()),
                rows,
                conditions(body.speakingConditions()).orElse(List.of())));
        return new Response.Json(201, channelView(channels.create(actor, draft)));
    }

    private Response list(Request request) {
        Actor actor = actor(request);
        return Response.ok(new ChannelList(
                channels.list(actor).stream().map(ChannelRoutes::channelView).toList()));
    }

    private Response get(Request request) {
        Actor actor = actor(request);
        return Response.ok(channelView(channels.get(actor, id(request))));
    }

    private Response update(Request request) {
        Actor actor = actor(request);
        ChannelId id = id(request);
        UpdateRequest body = bodies.read(request, UpdateRequest.class);
        Map<Role, RolePermissions> changedRows = rows(body.permissions());
        Optional<List<SpeakingCondition>> conditions = conditions(body.speakingConditions());
        return Response.ok(channelView(channels.update(actor, id, c -> {
            Map<Role, RolePermissions> merged = new EnumMap<>(c.permissions());
            merged.putAll(changedRows);
            return c.withSettings(
                    Objects.requireNonNullElse(body.name(), c.name()),
                    Objects.requireNonNullElse(body.description(), c.description()),
                    Objects.requireNonNullElse(body.isPrivate(), c.isPrivate()),
                    Objects.requireNonNullElse(body.archived(), c.archived()),
                    merged,
                    conditions.orElse(c.conditions()));
        })));
    }

    private Response delete(Request request) {
        Actor actor = actor(request);
        channels.delete(actor, id(request));
        return noContent();
    }

    private Response members(Request request) {
        Actor actor = actor(request);
        return Response.ok(new MemberList(channels.members(actor, id(request)).stream()
                .map(a -> new MemberEntry(a.toString()))
                .toList()));
    }

    private Response addMember(Request request) {
        Actor actor = actor(request);
        channels.addMember(actor, id(request), AccountService.accountId("account_id", request.pathParam("account_id")));
        return noContent();
    }

    private Response removeMember(Request request) {
        Actor actor = actor(request);
        channels.removeMember(
                actor, id(request), AccountService.accountId("account_id", request.pathParam("account_id")));
        return noContent();
    }

    static Response noContent() {
        return new Response.Raw(204, "application/json", new byte[0]);
    }

    /** The channel id of the path, as a 400 naming it when it is not a UUID. */
    static ChannelId id(Request request) {
        return channelId("id", request.pathParam("id"));
    }

    /** A channel id from the request, as a 400 naming the field when malformed. */
    public static ChannelId channelId(String field, String text) {
        try {
            return ChannelId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, field + ": " + e.getMessage());
        }
    }

    private static Map<Role, RolePermissions> rows(Map<String, PermissionRow> body) {
        Map<Role, RolePermissions> rows = new EnumMap<>(Role.class);
        if (body == null) {
            return rows;
        }
        for (Map.Entry<String, PermissionRow> entry : body.entrySet()) {
            Role role = Role.fromWire(entry.getKey())
                    .orElseThrow(() -> new ApiException(
                            ErrorCode.INVALID_FIELD, "permissions: unknown role '" + entry.getKey() + "'"));
            if (entry.getValue() == null) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "permissions." + entry.getKey() + " must be an object");
            }
            rows.put(role, rolePermissions(entry.getKey(), entry.getValue()));
        }
        return rows;
    }

    private static Optional<List<SpeakingCondition>> conditions(List<Condition> body) {
        if (body == null) {
            return Optional.empty();
        }
        List<SpeakingCondition> conditions = new ArrayList<>();
        for (Condition condition : body) {
            if (condition == null) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "speaking_conditions[] must be objects");
            }
            conditions.add(speakingCondition(condition));
        }
        return Optional.of(conditions);
    }

    private static Channel channel(java.util.function.Supplier<Channel> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, e.getMessage());
        }
    }
}
