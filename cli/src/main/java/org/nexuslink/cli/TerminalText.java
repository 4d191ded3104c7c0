// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import org.nexuslink.protocol.api.ApiJson;

/**
 * Text from elsewhere (a server, a peer) made safe to print on a terminal. A display name,
 * channel name, file name, message or error message may hold escape sequences that would move
 * the cursor, rewrite earlier lines, set the window title, plant a hyperlink or reorder what is
 * shown (bidi overrides); every character that could is printed as a visible escape instead.
 * Every place the CLI prints such text goes through here. Stateless and thread-safe.
 */
public final class TerminalText {
    /**
     * JSON for the terminal, in the REST API's conventions: every character outside printable
     * ASCII is written as a \\u escape.
     */
    private static final ObjectWriter JSON = ApiJson.tolerant().writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

    private TerminalText() {}

    /**
     * {@code text} with control characters (C0, DEL, C1), line and paragraph separators and bidi
     * controls written as visible escapes: {@code \e} for ESC, {@code \n}, {@code \r}, {@code \t},
     * {@code \x7f} for other controls, {@code \u202e} for the rest. Everything else is unchanged.
     */
    public static String safe(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case 0x1b -> b.append("\\e");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                        b.append(String.format("\\x%02x", c));
                    } else if (isHidden(c)) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.toString();
    }

    /** {@code value} (a JSON tree or an API record) as one line of JSON with nothing but printable ASCII in it. */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree or API record always serialises", e);
        }
    }

    /**
     * Characters that change how the line around them is laid out without showing themselves:
     * line and paragraph separators, bidi marks, embeddings, overrides and isolates, and lone
     * surrogates (which a terminal shows as anything it likes).
     */
    private static boolean isHidden(int c) {
        return c == 0x061c
                || c == 0x200e
                || c == 0x200f
                || c == 0x2028
                || c == 0x2029
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069)
                || (c >= 0xd800 && c <= 0xdfff);
    }
}
