// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.moderation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.accounts.Member;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.audit.AuditAction;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelAction;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.CommunityAction;
import org.nexuslink.server.permissions.MemberOverride;
import org.nexuslink.server.permissions.OverrideStore;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Roles, bans, mutes and removals. Each action asks {@link Permissions}, changes the members
 * and writes its audit entry in one transaction, and only then closes the affected account's
 * live connections. The community never loses its last active admin. Thread-safe.
 */
public final class ModerationService {
    private static final Logger log = LoggerFactory.getLogger(ModerationService.class);

    /** The longest timed mute. */
    public static final Duration MAX_MUTE = Duration.ofDays(3650);
    /** The longest reason kept with a ban, mute or removal. */
    public static final int MAX_REASON = 500;

    /** Ends an account's live sessions on this node (the gateway), after a ban or removal. */
    @FunctionalInterface
    public interface SessionCloser {
        void closeSessions(AccountId account, String reason);
    }

    /** A mute as set: where, until when, why. */
    public record Mute(AccountId account, Optional<ChannelId> channel, Optional<Instant> expiresAt, String reason) {
        public Mute {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(expiresAt, "expiresAt");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final Database database;
    private final MemberStore members;
    private final Permissions permissions;
    private final TokenStore tokens;
    private final AuditLog audit;
    private final Clock clock;
    private final SessionCloser sessions;

    public ModerationService(
            Database database,
            MemberStore members,
            Permissions permissions,
            TokenStore tokens,
            AuditLog audit,
            Clock clock,
            SessionCloser sessions) {
        this.database = Objects.requireNonNull(database, "database");
        this.members = Objects.requireNonNull(members, "members");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    /**
     * Changes a member's role (admins only).
     *
     * @throws ApiException {@code last_admin} when it would leave no active admin
     */
    public Member changeRole(Actor actor, AccountId target, Role role) {
        Objects.requireNonNull(role, "role");
        Member changed = database.inTransaction(h -> {
            permissions.decide(h, actor, CommunityAction.CHANGE_ROLE, target).orThrow();
            Member before = member(h, target);
            if (before.role() == role) {
                return before;
            }
            if (before.role() == Role.ADMIN && !before.banned()) {
                requireAnotherAdmin(h, "demote");
            }
            members.setRole(h, target, role);
            audit.append(
                    h,
                    actor,
                    AuditAction.ROLE_CHANGE,
                    Optional.of(target),
                    Optional.empty(),
                    Map.of("from", before.role().wireName(), "to", role.wireName()));
            return member(h, target);
        });
        log.atInfo()
                .addKeyValue("actor", actor)
                .addKeyValue("account", target)
                .addKeyValue("role", role.wireName())
                .log("role changed");
        return changed;
    }

    /**
     * Bans a member: its tokens die in the same transaction, its live connections close right
     * after, it cannot join again, and every permission is gone (seed 004).
     */
    public Member ban(Actor actor, AccountId target, String reason) {
        checkReason(reason);
        Member banned = database.inTransaction(h -> {
            permissions.decide(h, actor, CommunityAction.BAN, target).orThrow();
            Member before = member(h, target);
            if (before.banned()) {
                throw new ApiException(ErrorCode.CONFLICT, target + " is already banned");
            }
            if (before.role() == Role.ADMIN) {
                requireAnotherAdmin(h, "ban");
            }
            members.setBanned(h, target, Optional.of(clock.instant()));
            int revoked = tokens.revokeAccount(h, target);
            audit.append(
                    h,
                    actor,
                    AuditAction.BAN,
                    Optional.of(target),
                    Optional.empty(),
                    details("reason", reason, "tokens_revoked", revoked));
            return member(h, target);
        });
        sessions.closeSessions(target, "banned");
        log.atInfo().addKeyValue("actor", actor).addKeyValue("account", target).log("member banned");
        return banned;
    }

    /** Lifts a ban; the account authenticates again with its devices. */
    public Member unban(Actor actor, AccountId target) {
        Member unbanned = database.inTransaction(h -> {
            permissions.decide(h, actor, CommunityAction.BAN, target).orThrow();
            if (!member(h, target).banned()) {
                throw new ApiException(ErrorCode.CONFLICT, target + " is not banned");
            }
            members.setBanned(h, target, Optional.empty());
            audit.append(h, actor, AuditAction.UNBAN, Optional.of(target), Optional.empty(), Map.of());
            return member(h, target);
        });
        log.atInfo().addKeyValue("actor", actor).addKeyValue("account", target).log("member unbanned");
        return unbanned;
    }

    /**
     * Mutes a member in one channel or community-wide ({@code channel} empty), for a duration
     * or until lifted ({@code duration} empty), replacing an earlier mute in the same scope.
     */
    public Mute mute(
            Actor actor, AccountId target, Optional<ChannelId> channel, Optional<Duration> duration, String reason) {
        checkReason(reason);
        duration.ifPresent(d -> {
            if (d.isNegative() || d.isZero() || d.compareTo(MAX_MUTE) > 0) {
                throw new ApiException(
                        ErrorCode.INVALID_FIELD,
                        "duration_seconds must be 1-" + MAX_MUTE.toSeconds() + ", got " + d.toSeconds());
            }
        });
        Instant now = clock.instant();
        Optional<Instant> expires = duration.map(now::plus);
        database.inTransaction(h -> {
            permissions.decide(h, actor, CommunityAction.MUTE, target).orThrow();
            // The channel must exist; the console view of the rules answers exactly that.
            channel.ifPresent(c ->
                    permissions.decide(h, Actor.CONSOLE, c, ChannelAction.READ).orThrow());
            OverrideStore.mute(h, target, channel, reason, actor, now, expires);
            Map<String, Object> details = details("reason", reason);
            duration.ifPresent(d -> details.put("duration_s", d.toSeconds()));
            expires.ifPresent(e -> details.put("expires_at", e.toString()));
            audit.append(h, actor, AuditAction.MUTE, Optional.of(target), channel, details);
            return null;
        });
        log.atInfo()
                .addKeyValue("actor", actor)
                .addKeyValue("account", target)
                .addKeyValue("channel", channel.map(ChannelId::toString).orElse("*"))
                .log("member muted");
        return new Mute(target, channel, expires, reason);
    }

    /** Lifts the active mute of one scope. */
    public void unmute(Actor actor, AccountId target, Optional<ChannelId> channel) {
        database.inTransaction(h -> {
            permissions.decide(h, actor, CommunityAction.MUTE, target).orThrow();
            Optional<MemberOverride> existing = OverrideStore.find(h, target, channel);
            if (existing.isEmpty()
                    || !existing.get().activeAt(clock.instant())
                    || existing.get().write() != MemberOverride.Grant.DENY) {
                throw new ApiException(
                        ErrorCode.NOT_FOUND,
                        target + " is not muted "
                                + channel.map(c -> "in channel " + c).orElse("community-wide"));
            }
            OverrideStore.delete(h, target, channel);
            audit.append(h, actor, AuditAction.UNMUTE, Optional.of(target), channel, Map.of());
            return null;
        });
        log.atInfo().addKeyValue("actor", actor).addKeyValue("account", target).log("member unmuted");
    }

    /**
     * Removes a member (kick): its row, devices, tokens, overrides and private-channel places go;
     * it may join again. A banned member is not removed (that would lift the ban): unban first.
     */
    public void kick(Actor actor, AccountId target, String reason) {
        checkReason(reason);
        database.inTransaction(h -> {
            permissions.decide(h, actor, CommunityAction.KICK, target).orThrow();
            Member before = member(h, target);
            if (before.banned()) {
                throw new ApiException(
                        ErrorCode.CONFLICT, target + " is banned; removing it would let it join again. Unban it first");
            }
            if (before.role() == Role.ADMIN) {
                requireAnotherAdmin(h, "remove");
            }
            members.delete(h, target);
            audit.append(
                    h,
                    actor,
                    AuditAction.KICK,
                    Optional.of(target),
                    Optional.empty(),
                    details("reason", reason, "role", before.role().wireName()));
            return null;
        });
        sessions.closeSessions(target, "removed from the community");
        log.atInfo().addKeyValue("actor", actor).addKeyValue("account", target).log("member removed");
    }

    /**
     * The caller leaves the community; the last active admin may not, nor a banned account: a
     * leave authenticated just before a ban commits would otherwise delete the row that holds
     * the ban, and the account could join again. Its mutes and media usage stay with the account
     * ({@link MemberStore#delete}).
     */
    public void leave(AccountId self) {
        database.inTransaction(h -> {
            Member before = member(h, self);
            if (before.banned()) {
                throw new ApiException(ErrorCode.FORBIDDEN, self + " is banned; a ban is not lifted by leaving");
            }
            if (before.role() == Role.ADMIN) {
                requireAnotherAdmin(h, "remove");
            }
            members.delete(h, self);
            audit.append(h, Actor.of(self), AuditAction.LEAVE, Optional.of(self), Optional.empty(), Map.of());
            return null;
        });
        sessions.closeSessions(self, "left the community");
        log.atInfo().addKeyValue("account", self).log("member left");
    }

    private Member member(Handle h, AccountId account) {
        return members.find(h, account)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "no member " + account));
    }

    private void requireAnotherAdmin(Handle h, String verb) {
        if (members.countActiveAdmins(h) <= 1) {
            throw new ApiException(
                    ErrorCode.LAST_ADMIN, "cannot " + verb + " the last active admin; make another member admin first");
        }
    }

    private static void checkReason(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.length() > MAX_REASON) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "reason has at most " + MAX_REASON + " characters");
        }
    }

    private static Map<String, Object> details(Object... pairs) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (!(pairs[i + 1] instanceof String s && s.isEmpty())) {
                details.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return details;
    }
}
