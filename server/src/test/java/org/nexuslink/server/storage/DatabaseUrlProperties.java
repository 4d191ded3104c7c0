// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class DatabaseUrlProperties {

    @Provide
    Arbitrary<String> passwords() {
        // Long enough not to occur by chance in the rest of the URL.
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(12).ofMaxLength(40);
    }

    @Provide
    Arbitrary<String> words() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    }

    private static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : String.format("%%%02X", (int) c));
        }
        return out.toString();
    }

    @Property
    void round_trips_any_password_and_never_shows_it(
            @ForAll("passwords") String password,
            @ForAll("words") String user,
            @ForAll("words") String host,
            @ForAll @IntRange(min = 1, max = 65535) int port,
            @ForAll("words") String database) {
        DatabaseUrl.Postgres url = (DatabaseUrl.Postgres) DatabaseUrl.parse(
                "postgres://" + user + ":" + encode(password) + "@" + host + ":" + port + "/" + database);

        assertThat(url).isEqualTo(new DatabaseUrl.Postgres(host, port, database, user, password, java.util.Map.of()));
        assertThat(url.toString()).doesNotContain(password, encode(password));
        assertThat(url.jdbcUrl()).doesNotContain(password, encode(password));
        assertThat(DatabaseUrl.parse(url.toString().replace("****", encode(password))))
                .isEqualTo(url);
    }

    @Property
    void any_string_either_parses_or_raises_only_illegal_argument(@ForAll @StringLength(max = 80) String text) {
        try {
            DatabaseUrl url = DatabaseUrl.parse(text);
            assertThat(url.dialect()).isNotNull();
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property
    void messages_about_a_postgres_url_never_contain_its_password(
            @ForAll("passwords") String password, @ForAll @StringLength(max = 30) String rest) {
        String text = "postgres://user:" + password + "@" + rest;
        try {
            DatabaseUrl parsed = DatabaseUrl.parse(text);
            if (parsed instanceof DatabaseUrl.Postgres postgres
                    && !postgres.password().isEmpty()) {
                assertThat(postgres.toString()).doesNotContain(postgres.password());
            }
        } catch (IllegalArgumentException e) {
            if (!rest.contains(password)) {
                assertThat(e.getMessage()).doesNotContain(password);
            }
        }
    }
}
