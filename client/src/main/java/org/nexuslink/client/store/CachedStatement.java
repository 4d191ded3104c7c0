// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A prepared statement the store keeps for the life of its connection: SQLite compiles each
 * statement once instead of on every call (compiling costs as much as running a lookup).
 * {@link #close()} only clears the parameters, so call sites keep their try-with-resources shape;
 * the connection's owner closes the real statement.
 *
 * <p>Used only under the database lock, one execution at a time.
 */
final class CachedStatement implements AutoCloseable {
    private final PreparedStatement statement;
    private final boolean writes;

    CachedStatement(PreparedStatement statement, boolean writes) {
        this.statement = statement;
        this.writes = writes;
    }

    /** Whether the statement changes the file (an insert, update or delete). */
    boolean writes() {
        return writes;
    }

    void setBytes(int index, byte[] value) throws SQLException {
        statement.setBytes(index, value);
    }

    void setLong(int index, long value) throws SQLException {
        statement.setLong(index, value);
    }

    void setInt(int index, int value) throws SQLException {
        statement.setInt(index, value);
    }

    void setString(int index, String value) throws SQLException {
        statement.setString(index, value);
    }

    ResultSet executeQuery() throws SQLException {
        return statement.executeQuery();
    }

    int executeUpdate() throws SQLException {
        return statement.executeUpdate();
    }

    void execute() throws SQLException {
        statement.execute();
    }

    @Override
    public void close() throws SQLException {
        statement.clearParameters();
    }

    void closeStatement() throws SQLException {
        statement.close();
    }
}
