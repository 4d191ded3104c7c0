// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.MigrationResult;
import org.nexuslink.server.storage.Schema;
import org.nexuslink.server.storage.StorageException;
import org.nexuslink.server.testing.DatabaseTest;

class DirectorySchemaTest {

    @DatabaseTest(migrated = false)
    void the_directory_schema_migrates_from_empty(Database database) {
        MigrationResult directory = database.migrate(Schema.DIRECTORY);
        MigrationResult again = database.migrate(Schema.DIRECTORY);

        assertThat(directory.appliedVersions()).containsExactly("1", "2");
        assertThat(again.appliedVersions()).isEmpty();
    }

    @DatabaseTest
    void a_community_database_is_refused_as_a_directory_database(Database database) {
        // The roles keep separate databases: a directory pointed at a community's refuses to start.
        assertThatThrownBy(() -> database.migrate(Schema.DIRECTORY))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("non-empty schema");
    }

    @DatabaseTest(migrated = false)
    void the_store_indexes_updates_and_forgets_a_listing(Database database) {
        database.migrate(Schema.DIRECTORY);
        CommunityStore store = new CommunityStore(database);
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        ListingDetails details = new ListingDetails(
                "Go Gophers",
                "Concurrency and tooling",
                List.of("go", "dev"),
                java.net.URI.create("https://go.example"),
                AccountIdentity.generate().accountId(),
                ServerKeyPair.generate(new java.security.SecureRandom()).publicKey());
        Listing listing = database.inTransaction(h -> store.insert(h, "nxc-1", details, now, 0.5, now));

        assertThat(search(store, "gophers", List.of(), now)).containsExactly("nxc-1");
        assertThat(search(store, "concurr", List.of("dev"), now)).containsExactly("nxc-1");
        assertThat(search(store, "", List.of("go"), now)).containsExactly("nxc-1");
        assertThat(search(store, "rust", List.of(), now)).isEmpty();
        assertThat(search(store, "gophers", List.of(), now.plusSeconds(1))).isEmpty();

        database.inTransaction(h -> {
            store.update(
                    h,
                    listing.seq(),
                    new ListingDetails(
                            "Rustaceans",
                            "Ownership",
                            List.of("rust"),
                            details.endpoint(),
                            details.admin(),
                            details.serverKey()),
                    now);
            return null;
        });
        assertThat(search(store, "gophers", List.of(), now)).isEmpty();
        assertThat(search(store, "", List.of("go"), now)).isEmpty();
        assertThat(search(store, "ownership", List.of("rust"), now)).containsExactly("nxc-1");

        database.inTransaction(h -> store.delete(h, listing.seq()));
        assertThat(search(store, "ownership", List.of(), now)).isEmpty();
        assertThat(store.count()).isZero();
    }

    @DatabaseTest(migrated = false)
    void search_terms_are_words_only_so_query_syntax_cannot_be_injected(Database database) {
        database.migrate(Schema.DIRECTORY);
        CommunityStore store = new CommunityStore(database);

        assertThat(CommunityStore.SearchQuery.terms("\"rust\" OR name:* & !go | ')--"))
                .containsExactly("rust", "or", "name", "go");
        assertThat(search(store, "\"rust\" OR name:* & !go | ')--", List.of(), Instant.EPOCH))
                .isEmpty();
    }

    private static List<String> search(CommunityStore store, String text, List<String> tags, Instant seenSince) {
        return store
                .search(new CommunityStore.SearchQuery(CommunityStore.SearchQuery.terms(text), tags, 10, 0), seenSince)
                .stream()
                .map(Listing::communityId)
                .toList();
    }
}
