// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseUrlTest {

    private static DatabaseUrl.Postgres postgres(String url) {
        return (DatabaseUrl.Postgres) DatabaseUrl.parse(url);
    }

    @Test
    void parses_a_relative_sqlite_path_and_resolves_it_against_the_data_dir() {
        DatabaseUrl.Sqlite url = (DatabaseUrl.Sqlite) DatabaseUrl.parse("sqlite:nexuslink.db");

        assertThat(url.file()).isEqualTo(Path.of("nexuslink.db"));
        assertThat(url.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(url.resolveAgainst(Path.of("/var/lib/nexuslink")).file())
                .isEqualTo(Path.of("/var/lib/nexuslink/nexuslink.db"));
        assertThat(url).hasToString("sqlite:nexuslink.db");
    }

    @Test
    void keeps_an_absolute_sqlite_path_when_resolving() {
        DatabaseUrl.Sqlite url = (DatabaseUrl.Sqlite) DatabaseUrl.parse("sqlite:/srv/data/x.db");

        assertThat(url.resolveAgainst(Path.of("/var/lib/nexuslink"))).isEqualTo(url);
    }

    @Test
    void parses_seed_000s_postgres_url() {
        DatabaseUrl.Postgres url = postgres("postgres://nexuslink:password@localhost:5432/nexuslink");

        assertThat(url)
                .isEqualTo(new DatabaseUrl.Postgres("localhost", 5432, "nexuslink", "nexuslink", "password", Map.of()));
        assertThat(url.dialect()).isEqualTo(Dialect.POSTGRES);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/nexuslink");
        assertThat(url.schema()).isEmpty();
        assertThat(url).hasToString("postgres://nexuslink:****@localhost:5432/nexuslink");
    }

    @Test
    void parses_the_postgresql_scheme_a_default_port_and_no_password() {
        DatabaseUrl.Postgres url = postgres("postgresql://postgres@db.internal/test");

        assertThat(url.host()).isEqualTo("db.internal");
        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.password()).isEmpty();
        assertThat(url).hasToString("postgres://postgres@db.internal:5432/test");
    }

    @Test
    void maps_parameters_to_the_jdbc_driver_and_keeps_credentials_out_of_the_jdbc_url() {
        DatabaseUrl.Postgres url =
                postgres("postgres://app:pw@10.0.0.5:6543/chat?sslmode=verify-full&sslrootcert=/etc/ca.pem"
                        + "&schema=tenant_1&application_name=node%201");

        assertThat(url.schema()).contains("tenant_1");
        assertThat(url.jdbcUrl())
                .isEqualTo("jdbc:postgresql://10.0.0.5:6543/chat?sslmode=verify-full"
                        + "&sslrootcert=/etc/ca.pem&currentSchema=tenant_1&ApplicationName=node%201");
        assertThat(url.jdbcUrl()).doesNotContain("app", "pw");
    }

    @Test
    void percent_decodes_user_password_and_database_and_brackets_ipv6_hosts() {
        DatabaseUrl.Postgres url = postgres("postgres://us%40er:p%40ss%2Fw%3Ard+x@[::1]:5433/my%20db");

        assertThat(url.user()).isEqualTo("us@er");
        assertThat(url.password()).isEqualTo("p@ss/w:rd+x");
        assertThat(url.host()).isEqualTo("::1");
        assertThat(url.port()).isEqualTo(5433);
        assertThat(url.database()).isEqualTo("my db");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/my%20db");
        assertThat(url).hasToString("postgres://us%40er:****@[::1]:5433/my%20db");
    }

    @Test
    void accepts_an_unencoded_at_sign_in_the_password() {
        assertThat(postgres("postgres://u:p@ss@host/db").password()).isEqualTo("p@ss");
    }

    @Test
    void sets_a_schema_on_a_copy() {
        DatabaseUrl.Postgres url = postgres("postgres://u@h/db?sslmode=disable");

        DatabaseUrl.Postgres copy = url.withSchema("t_1");

        assertThat(copy.schema()).contains("t_1");
        assertThat(url.schema()).isEmpty();
        assertThat(copy.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db?sslmode=disable&currentSchema=t_1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                    | database URL is empty; expected sqlite:PATH or postgres://user:password@host:port/db
            '   '                                 | database URL is empty; expected sqlite:PATH or postgres://user:password@host:port/db
            mysql://u:secret@h/db                 | unsupported database URL scheme 'mysql'; expected sqlite:PATH or postgres://user:password@host:port/db
            nexuslink.db                          | database URL has no scheme; expected sqlite:PATH or postgres://user:password@host:port/db
            sqlite:                               | sqlite URL has no path; expected sqlite:PATH
            sqlite://data/x.db                    | sqlite URL must be written sqlite:PATH (sqlite:/abs/file.db or sqlite:rel/file.db), not sqlite://
            sqlite::memory:                       | sqlite URL must name a database file; in-memory and file: URIs are not supported
            sqlite:file:x.db?mode=memory          | sqlite URL must name a database file; in-memory and file: URIs are not supported
            postgres://u:secret@host              | postgres URL has no database name; expected postgres://user:password@host:port/db
            postgres://u:secret@host/             | postgres URL has no database name; expected postgres://user:password@host:port/db
            postgres://u:secret@host/a/b          | postgres URL database name 'a/b' must not contain '/'
            postgres://host:5432/db               | postgres URL has no user; expected postgres://user:password@host:port/db
            postgres://:secret@host/db            | postgres URL has no user; expected postgres://user:password@host:port/db
            postgres://u:secret@/db               | postgres URL has no host; expected postgres://user:password@host:port/db
            postgres://u:secret@:5432/db          | postgres URL has no host; expected postgres://user:password@host:port/db
            postgres://u:secret@host:pg/db        | postgres URL port 'pg' is not a number between 1 and 65535
            postgres://u:secret@host:0/db         | postgres URL port 0 is not between 1 and 65535
            postgres://u:secret@host:70000/db     | postgres URL port 70000 is not between 1 and 65535
            postgres://u:secret@[::1/db           | postgres URL host has '[' without ']'
            postgres://u:secret@[::1]x/db         | postgres URL has text after the IPv6 address: 'x'
            postgres://u:secret%2@h/db            | postgres URL password has an invalid %-escape
            postgres://u:s%zzret@h/db             | postgres URL password has an invalid %-escape
            postgres://u:secret@h/db?sslmode      | postgres URL parameter 'sslmode' has no value
            postgres://u:secret@h/db?sslmode=     | postgres URL parameter 'sslmode' is empty
            postgres://u:secret@h/db?sslmode=on   | postgres URL sslmode 'on' is not one of disable, allow, prefer, require, verify-ca, verify-full
            postgres://u:secret@h/db?schema=Bad-1 | postgres URL schema 'Bad-1' must be a lowercase SQL identifier (a-z, 0-9, _; at most 63 characters)
            postgres://u:secret@h/db?a=1          | unknown parameter 'a' in postgres URL; known: application_name, schema, sslcert, sslkey, sslmode, sslrootcert
            postgres://u:secret@h/db?password=x   | unknown parameter 'password' in postgres URL; known: application_name, schema, sslcert, sslkey, sslmode, sslrootcert
            postgres://u:secret@h/db?sslmode=require&sslmode=disable | postgres URL parameter 'sslmode' is given twice
            """)
    void refuses_a_malformed_url_naming_the_problem_without_the_password(String url, String message) {
        assertThatThrownBy(() -> DatabaseUrl.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message)
                .hasMessageNotContaining("secret");
    }

    @Test
    void refuses_a_null_url() {
        assertThatThrownBy(() -> DatabaseUrl.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
