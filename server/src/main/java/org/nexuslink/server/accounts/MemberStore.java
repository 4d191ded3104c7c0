// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.accounts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.storage.Database;

/** Owns {@code members}: who belongs to the community, with role and ban status. Thread-safe. */
public final class MemberStore {
    private static final String COLUMNS = "account_id, display_name, role, is_banned, joined_at";

    private final Database database;
    private final java.util.List<java.util.function.BiConsumer<Handle, AccountId>> deleteListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public MemberStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    public Optional<Member> find(AccountId account) {
        return database.jdbi().withHandle(h -> find(h, account));
    }

    /** The member, read in the caller's handle or transaction. */
    public Optional<Member> find(Handle h, AccountId account) {
        return h.createQuery("SELECT " + COLUMNS + " FROM members WHERE account_id = :account")
                .bind("account", account.toString())
                .map((rs, ctx) -> member(rs))
                .findOne();
    }

    /**
     * The members among {@code accounts}, read in the caller's handle with one query per 500
     * accounts (for deciding many accounts at once, e.g. who may read a channel event).
     */
    public Map<AccountId, Member> findAll(Handle h, Collection<AccountId> accounts) {
        Map<AccountId, Member> found = new HashMap<>();
        // The callers' ids are reused for the rows: parsing thousands of stored ids back would cost more than the
        // query.
        Map<String, AccountId> byText = new HashMap<>();
        accounts.forEach(a -> byText.put(a.toString(), a));
        List<String> ids = List.copyOf(byText.keySet());
        for (int from = 0; from < ids.size(); from += 500) {
            h.createQuery("SELECT " + COLUMNS + " FROM members WHERE account_id IN (<ids>)")
                    .bindList("ids", ids.subList(from, Math.min(ids.size(), from + 500)))
                    .map((rs, ctx) -> member(rs, byText.get(rs.getString("account_id"))))
                    .forEach(m -> found.put(m.account(), m));
        }
        return found;
    }

    void insert(Handle h, AccountId account, String displayName, Role role, Instant now) {
        h.createUpdate("INSERT INTO members (account_id, identity_key, display_name, role, is_banned, joined_at) "
                        + "VALUES (:account, :key, :name, :role, FALSE, :now)")
                .bind("account", account.toString())
                .bind("key", account.publicKeyBytes())
                .bind("name", displayName.isEmpty() ? null : displayName)
                .bind("role", role.wireName())
                .bind("now", now)
                .execute();
    }

    /** Sets a member's role in the caller's transaction; returns whether the member exists. */
    public boolean setRole(Handle h, AccountId account, Role role) {
        return h.createUpdate("UPDATE members SET role = :role WHERE account_id = :account")
                        .bind("role", role.wireName())
                        .bind("account", account.toString())
                        .execute()
                > 0;
    }

    /**
     * Bans ({@code at} present) or unbans (empty) a member in the caller's transaction; the row
     * stays either way, so a banned account cannot join again.
     */
    public boolean setBanned(Handle h, AccountId account, Optional<Instant> at) {
        return h.createUpdate("UPDATE members SET is_banned = :banned, banned_at = :at WHERE account_id = :account")
                        .bind("banned", at.isPresent())
                        .bindByType("at", at.orElse(null), Instant.class)
                        .bind("account", account.toString())
                        .execute()
                > 0;
    }

    /**
     * Deletes a member in the caller's transaction: its devices, tokens, prekeys, queued messages
     * and private-channel memberships go with it (foreign keys cascade), and so do overrides that
     * grant something. It may join again, and finds then what belongs to the account rather than
     * to the membership: its mutes (overrides that only deny), the media it uploaded (which still
     * count against its quota) and its prekey fetch counts. A banned member is never deleted:
     * its row is the ban, and deleting it would let the account join again.
     *
     * @return whether a member was deleted (false for no such member, or a banned one)
     */
    public boolean delete(Handle h, AccountId account) {
        deleteListeners.forEach(l -> l.accept(h, account));
        h.createUpdate("DELETE FROM member_overrides WHERE account_id = :account "
                        + "AND (can_read = TRUE OR can_write = TRUE OR can_manage = TRUE)")
                .bind("account", account.toString())
                .execute();
        return h.createUpdate("DELETE FROM members WHERE account_id = :account AND NOT is_banned")
                        .bind("account", account.toString())
                        .execute()
                > 0;
    }

    /**
     * Registers something to tell, inside the deleting transaction, that a member is being deleted
     * (the device store's cache of device lists).
     */
    void onDelete(java.util.function.BiConsumer<Handle, AccountId> listener) {
        deleteListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * How many admins are not banned, counted with their rows locked on PostgreSQL, so that two
     * concurrent demotions cannot both see a second admin (SQLite serializes writers anyway).
     */
    public long countActiveAdmins(Handle h) {
        return h.createQuery("SELECT account_id FROM members WHERE role = 'admin' AND NOT is_banned"
                        + (database.dialect() == org.nexuslink.server.storage.Dialect.POSTGRES ? " FOR UPDATE" : ""))
                .mapTo(String.class)
                .list()
                .size();
    }

    /** How many members the community has (banned ones included: they still hold their place). */
    public long count() {
        return database.jdbi().withHandle(this::count);
    }

    long count(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM members").mapTo(Long.class).one();
    }

    /** Members ordered by account id, after {@code after} (exclusive), at most {@code limit}. */
    public List<Member> list(Optional<AccountId> after, int limit) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM members "
                                + "WHERE account_id > :after ORDER BY account_id LIMIT :limit")
                        .bind("after", after.map(AccountId::toString).orElse(""))
                        .bind("limit", limit)
                        .map((rs, ctx) -> member(rs))
                        .list());
    }

    private static Member member(ResultSet rs) throws SQLException {
        return member(rs, Principal.storedAccount(rs.getString("account_id")));
    }

    private static Member member(ResultSet rs, AccountId account) throws SQLException {
        String name = rs.getString("display_name");
        return new Member(
                account,
                name == null ? "" : name,
                Role.fromWire(rs.getString("role"))
                        .orElseThrow(() -> new IllegalStateException("unknown role in database")),
                rs.getBoolean("is_banned"),
                Instant.ofEpochMilli(rs.getLong("joined_at")));
    }
}
