// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import org.nexuslink.server.accounts.MemberStore;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.channels.ChannelService;
import org.nexuslink.server.channels.ChannelStore;
import org.nexuslink.server.moderation.ModerationService;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.storage.Database;

/**
 * The community's services over its database (members, permissions, tokens, the audit log,
 * channels, moderation), built one way: {@link NexusLinkServer} builds them for its routes, and
 * the operator's console ({@code nexuslink admin --local}) gets them from
 * {@link NexusLinkServer#openServices}, so both apply the same rules and write the same audit log.
 * Immutable; the services are thread-safe.
 */
public final class CommunityServices implements AutoCloseable {
    private final Database database;
    private final Clock clock;
    private final MemberStore members;
    private final Permissions permissions;
    private final TokenStore tokens;
    private final AuditLog audit;
    private final ChannelService channels;
    private final boolean ownsDatabase;

    private CommunityServices(Database database, Clock clock, SecureRandom random, boolean ownsDatabase) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.members = new MemberStore(database);
        this.permissions = new Permissions(database, members, clock);
        this.tokens = new TokenStore(database, clock, Objects.requireNonNull(random, "random"));
        this.audit = new AuditLog(database, clock);
        this.channels = new ChannelService(database, new ChannelStore(database), members, permissions, audit, clock);
        this.ownsDatabase = ownsDatabase;
    }

    /** The services over a database the caller keeps open and closes. */
    static CommunityServices over(Database database, Clock clock, SecureRandom random) {
        return new CommunityServices(database, clock, random, false);
    }

    /** The services over a database they own: {@link #close()} closes it. */
    static CommunityServices owning(Database database, Clock clock, SecureRandom random) {
        return new CommunityServices(database, clock, random, true);
    }

    public Database database() {
        return database;
    }

    public MemberStore members() {
        return members;
    }

    public Permissions permissions() {
        return permissions;
    }

    public TokenStore tokens() {
        return tokens;
    }

    public AuditLog audit() {
        return audit;
    }

    public ChannelService channels() {
        return channels;
    }

    /**
     * Bans, kicks, role changes and mutes.
     *
     * @param sessions ends a removed member's open sessions; the server closes its WebSockets, a
     *     process without any (the console) passes one that does nothing, as the tokens die anyway
     */
    public ModerationService moderation(ModerationService.SessionCloser sessions) {
        return new ModerationService(database, members, permissions, tokens, audit, clock, sessions);
    }

    /** Closes the database if these services own it. */
    @Override
    public void close() {
        if (ownsDatabase) {
            database.close();
        }
    }
}
