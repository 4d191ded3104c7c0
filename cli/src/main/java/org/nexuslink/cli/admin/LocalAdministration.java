// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.server.CommunityServices;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.accounts.Member;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.accounts.Role;
import org.nexuslink.server.audit.AuditEntry;
import org.nexuslink.server.audit.AuditFilter;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.channels.Channel;
import org.nexuslink.server.channels.ChannelService;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.moderation.ModerationService;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.ChannelType;

/**
 * The admin operations done directly on the server's database as the operator's console
 * ({@link Actor#CONSOLE}), for recovery when no admin can log in. The same services as the
 * server run them, so the rules (last admin) and the audit log apply. A running server's open
 * WebSockets are not closed by a local ban or kick (they live in another process); the tokens
 * die at once, so those sessions cannot authenticate again.
 */
final class LocalAdministration implements Administration {
    private static final int PAGE = 500;

    private final CommunityServices services;
    private final MemberStore members;
    private final ChannelService channels;
    private final ModerationService moderation;
    private final AuditLog audit;

    private LocalAdministration(CommunityServices services) {
        this.services = services;
        this.members = services.members();
        this.audit = services.audit();
        this.channels = services.channels();
        // No WebSockets live in this process; the tokens the services delete end the sessions.
        this.moderation = services.moderation((account, reason) -> {});
    }

    /** Opens (and migrates) the configured database, with the services the server runs on it. */
    static LocalAdministration open(Config config, Clock clock) {
        return new LocalAdministration(NexusLinkServer.openServices(config, clock));
    }

    @Override
    public List<MemberRow> members() {
        List<MemberRow> rows = new ArrayList<>();
        Optional<AccountId> after = Optional.empty();
        while (true) {
            List<Member> page = members.list(after, PAGE);
            page.forEach(m -> rows.add(row(m)));
            if (page.size() < PAGE) {
                return rows;
            }
            after = Optional.of(page.get(page.size() - 1).account());
        }
    }

    @Override
    public MemberRow setRole(String account, String role) {
        Role parsed = Role.fromWire(role)
                .orElseThrow(() -> new AdminFailure("role must be admin, moderator or member, got '" + role + "'"));
        return refusing(() -> row(moderation.changeRole(Actor.CONSOLE, id(account), parsed)));
    }

    @Override
    public MemberRow ban(String account, String reason) {
        return refusing(() -> row(moderation.ban(Actor.CONSOLE, id(account), reason)));
    }

    @Override
    public MemberRow unban(String account) {
        return refusing(() -> row(moderation.unban(Actor.CONSOLE, id(account))));
    }

    @Override
    public Optional<String> mute(String account, Optional<UUID> channel, Optional<Duration> duration, String reason) {
        return refusing(() -> moderation
                .mute(Actor.CONSOLE, id(account), channel.map(ChannelId::new), duration, reason)
                .expiresAt()
                .map(Object::toString));
    }

    @Override
    public void unmute(String account, Optional<UUID> channel) {
        refusing(() -> {
            moderation.unmute(Actor.CONSOLE, id(account), channel.map(ChannelId::new));
            return null;
        });
    }

    @Override
    public void kick(String account, String reason) {
        refusing(() -> {
            moderation.kick(Actor.CONSOLE, id(account), reason);
            return null;
        });
    }

    @Override
    public List<ChannelRow> channels() {
        return channels.list(Actor.CONSOLE).stream().map(v -> row(v.channel())).toList();
    }

    @Override
    public ChannelRow createChannel(String name, String type, boolean isPrivate, String description) {
        ChannelType parsed = ChannelType.fromWire(type)
                .orElseThrow(() -> new AdminFailure("type must be text, announcement or voice, got '" + type + "'"));
        Channel draft;
        try {
            draft = Channel.draft(name, parsed, description, isPrivate, Channel.defaultPermissions(parsed), List.of());
        } catch (IllegalArgumentException e) {
            throw new AdminFailure(e.getMessage());
        }
        return refusing(() -> row(channels.create(Actor.CONSOLE, draft).channel()));
    }

    @Override
    public ChannelRow archiveChannel(UUID id, boolean archived) {
        return refusing(() -> row(channels.update(
                        Actor.CONSOLE,
                        new ChannelId(id),
                        c -> c.withSettings(
                                c.name(), c.description(), c.isPrivate(), archived, c.permissions(), c.conditions()))
                .channel()));
    }

    @Override
    public List<AuditRow> audit(AuditQuery query) {
        AuditFilter filter = refusing(() -> new AuditFilter(
                query.actor().map(a -> a.equals("console") ? Actor.CONSOLE : Actor.of(id(a))),
                query.target().map(LocalAdministration::id),
                query.action(),
                Optional.empty(),
                query.since(),
                Optional.empty(),
                query.limit()));
        List<AuditRow> rows = new ArrayList<>();
        for (AuditEntry e : audit.read(filter).entries()) {
            rows.add(new AuditRow(
                    e.id(),
                    e.at().toString(),
                    e.actor().toString(),
                    e.action(),
                    e.targetAccount().map(Object::toString).orElse(""),
                    e.targetChannel().map(ChannelId::toString).orElse(""),
                    e.details()));
        }
        return rows;
    }

    @Override
    public void close() {
        services.close();
    }

    private static MemberRow row(Member m) {
        return new MemberRow(
                m.account().toString(),
                m.displayName(),
                m.role().wireName(),
                m.banned() ? "banned" : "active",
                m.joinedAt().toString());
    }

    private static ChannelRow row(Channel c) {
        return new ChannelRow(c.id().toString(), c.name(), c.type().wireName(), c.isPrivate(), c.archived());
    }

    private static AccountId id(String text) {
        try {
            return AccountId.parse(text);
        } catch (InvalidAccountIdException e) {
            throw new AdminFailure("not an account id: '" + text + "': " + e.getMessage());
        }
    }

    private static <T> T refusing(Supplier<T> work) {
        try {
            return work.get();
        } catch (ApiException e) {
            throw new AdminFailure(e.code().code() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new AdminFailure(e.getMessage());
        }
    }
}
