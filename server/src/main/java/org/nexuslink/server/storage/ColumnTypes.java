// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import java.sql.Types;
import java.time.Instant;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * Teaches Jdbi the schema's portable column representations, so that stores bind and map Java
 * values the same way on both dialects: an {@link Instant} is a BIGINT of epoch milliseconds, and
 * a {@link UUID} is PostgreSQL's UUID or SQLite's canonical 36-character text.
 */
final class ColumnTypes {

    private ColumnTypes() {}

    static void install(Jdbi jdbi, Dialect dialect) {
        jdbi.registerArgument(new InstantAsEpochMillis());
        jdbi.registerColumnMapper(Instant.class, (rs, column, ctx) -> {
            long millis = rs.getLong(column);
            return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
        });
        switch (dialect) {
            case SQLITE -> {
                jdbi.registerArgument(new UuidAsText());
                jdbi.registerColumnMapper(UUID.class, (rs, column, ctx) -> {
                    String text = rs.getString(column);
                    return text == null ? null : UUID.fromString(text);
                });
            }
            case POSTGRES -> {
                jdbi.registerArgument(new UuidAsObject());
                jdbi.registerColumnMapper(UUID.class, (rs, column, ctx) -> rs.getObject(column, UUID.class));
            }
        }
    }

    /** Epoch milliseconds: sub-millisecond precision is dropped, as documented in docs/storage.md. */
    private static final class InstantAsEpochMillis extends AbstractArgumentFactory<Instant> {
        InstantAsEpochMillis() {
            super(Types.BIGINT);
        }

        @Override
        protected Argument build(Instant value, ConfigRegistry config) {
            long millis = value.toEpochMilli();
            return (position, statement, ctx) -> statement.setLong(position, millis);
        }
    }

    private static final class UuidAsText extends AbstractArgumentFactory<UUID> {
        UuidAsText() {
            super(Types.VARCHAR);
        }

        @Override
        protected Argument build(UUID value, ConfigRegistry config) {
            String text = value.toString();
            return (position, statement, ctx) -> statement.setString(position, text);
        }
    }

    private static final class UuidAsObject extends AbstractArgumentFactory<UUID> {
        UuidAsObject() {
            super(Types.OTHER);
        }

        @Override
        protected Argument build(UUID value, ConfigRegistry config) {
            return (position, statement, ctx) -> statement.setObject(position, value, Types.OTHER);
        }
    }
}
