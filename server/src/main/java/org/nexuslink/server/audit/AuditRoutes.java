// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.AuditApi.Entry;
import org.nexuslink.protocol.api.AuditApi.Page;
import org.nexuslink.server.accounts.AccountService;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.channels.ChannelRoutes;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.CommunityAction;
import org.nexuslink.server.permissions.Permissions;

/** {@code GET /api/v1/audit}: the audit log for admins and moderators, filtered and paged. Read-only. */
public final class AuditRoutes {
    static final int DEFAULT_PAGE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> DETAILS = new TypeReference<>() {};

    private final AuditLog audit;
    private final Permissions permissions;
    private final Authenticator authenticator;

    public AuditRoutes(AuditLog audit, Permissions permissions, Authenticator authenticator) {
        this.audit = Objects.requireNonNull(audit, "audit");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    private static Entry entry(AuditEntry e) {
        try {
            return new Entry(
                    e.id(),
                    e.actor().toString(),
                    e.action(),
                    e.targetAccount().map(Object::toString),
                    e.targetChannel().map(ChannelId::toString),
                    JSON.readValue(e.details(), DETAILS),
                    e.at().toString());
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("audit details in the database are not a JSON object", ex);
        }
    }

    public void register(Router router) {
        router.add(ApiRoute.AUDIT, this::read);
    }

    private Response read(Request request) {
        Actor caller = Actor.of(authenticator.authenticate(request).account());
        AuditFilter filter = filter(request);
        permissions.decide(caller, CommunityAction.VIEW_AUDIT).orThrow();
        AuditLog.Page page = audit.read(filter);
        return Response.ok(new Page(
                page.entries().stream().map(AuditRoutes::entry).toList(),
                page.nextBefore().map(Object::toString)));
    }

    /** The query parameters as a filter: actor, target, action, channel_id, since, before, limit. */
    static AuditFilter filter(Request request) {
        Optional<Actor> actor = request.queryParam("actor")
                .map(a -> a.equals("console") ? Actor.CONSOLE : Actor.of(AccountService.accountId("actor", a)));
        int limit = request.queryParam("limit")
                .map(l -> number("limit", l, 1, AuditFilter.MAX_LIMIT))
                .map(Long::intValue)
                .orElse(DEFAULT_PAGE);
        return new AuditFilter(
                actor,
                request.queryParam("target").map(t -> AccountService.accountId("target", t)),
                request.queryParam("action").map(a -> {
                    if (a.isEmpty() || a.length() > 50) {
                        throw new ApiException(ErrorCode.INVALID_FIELD, "action must have 1-50 characters");
                    }
                    return a;
                }),
                request.queryParam("channel_id").map(c -> ChannelRoutes.channelId("channel_id", c)),
                request.queryParam("since").map(s -> {
                    try {
                        return Instant.parse(s);
                    } catch (DateTimeParseException e) {
                        throw new ApiException(
                                ErrorCode.INVALID_FIELD, "since must be an ISO-8601 UTC time, got '" + s + "'");
                    }
                }),
                request.queryParam("before").map(b -> number("before", b, 1, Long.MAX_VALUE)),
                limit);
    }

    private static long number(String field, String text, long min, long max) {
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw new ApiException(
                ErrorCode.INVALID_FIELD, field + " must be an integer " + min + "-" + max + ", got '" + text + "'");
    }
}
