// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;

/**
 * One byte range of a file (RFC 9110 §14): {@code first} to {@code last} inclusive.
 */
record ByteRange(long first, long last) {
    private static final Pattern SINGLE = Pattern.compile("(?i)bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");

    ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("bad range " + first + "-" + last);
        }
    }

    long length() {
        return last - first + 1;
    }

    /**
     * The range a {@code Range} header asks for in a file of {@code size} bytes: empty for the
     * whole file (no header, or one in a unit other than bytes, which RFC 9110 lets us ignore).
     *
     * @throws ApiException {@code range_not_satisfiable} for several ranges, or a range that
     *     names no byte of the file
     */
    static Optional<ByteRange> parse(Optional<String> header, long size) {
        if (header.isEmpty() || !header.get().trim().regionMatches(true, 0, "bytes", 0, 5)) {
            return Optional.empty();
        }
        String value = header.get().trim();
        if (value.contains(",")) {
            throw unsatisfiable("only a single range is supported, got '" + value + "'");
        }
        Matcher m = SINGLE.matcher(value);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw unsatisfiable("malformed range '" + value + "'");
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw unsatisfiable("range '" + value + "' names no byte of a " + size + "-byte file");
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (first >= size || last < first) {
                throw unsatisfiable("range '" + value + "' names no byte of a " + size + "-byte file");
            }
            return Optional.of(new ByteRange(first, last));
        } catch (NumberFormatException e) {
            throw unsatisfiable("range '" + value + "' is out of bounds");
        }
    }

    private static ApiException unsatisfiable(String message) {
        return new ApiException(ErrorCode.RANGE_NOT_SATISFIABLE, message);
    }
}
