// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The profile's contacts, keyed by account id; the id, nickname and verification are all sealed,
 * the row found by the id's blind index. Thread-safe.
 */
public final class Contacts {
    /** Values are padded to this many bytes: a nickname's length stays hidden. */
    static final int PADDING = 64;

    private final SealedMap table;

    Contacts(StoreDatabase db) {
        this.table = SealedMap.cached(db, "contacts", SealedMap.CACHED_ROWS);
    }

    /** Inserts or replaces the contact with this account id. */
    public void save(Contact contact) {
        Objects.requireNonNull(contact, "contact");
        table.put(
                key(contact.accountId()),
                RowCodec.pad(
                        new RowCodec.Writer()
                                .optionalString(contact.nickname())
                                .bool(contact.verified())
                                .optionalInstant(contact.verifiedAt())
                                .toBytes(),
                        PADDING));
    }

    public Optional<Contact> find(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        return table.get(key(accountId)).map(v -> decode(accountId, v));
    }

    /** Every contact, by account id. */
    public List<Contact> list() {
        return table.entries().stream()
                .map(e -> decode(new String(e.key(), StandardCharsets.UTF_8), e.value()))
                .sorted(Comparator.comparing(Contact::accountId))
                .toList();
    }

    private static byte[] key(String accountId) {
        return accountId.getBytes(StandardCharsets.UTF_8);
    }

    private static Contact decode(String accountId, byte[] value) {
        RowCodec.Reader in = new RowCodec.Reader(RowCodec.unpad(value, "contact"), "contact");
        Contact contact = new Contact(accountId, in.optionalString(), in.bool(), in.optionalInstant());
        in.end();
        return contact;
    }
}
