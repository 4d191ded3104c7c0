// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/protocol.md must describe exactly what the code does. */
class ProtocolDocTest {

    private static final String DOC = GoldenVectors.readDoc();

    /** The error code table as it must appear in the document, generated from the enum. */
    static String errorCodeTable() {
        return Arrays.stream(ErrorCode.values())
                .map(c -> "| `" + c.code() + "` | " + c.httpStatus() + " | " + c.meaning() + " |")
                .collect(Collectors.joining("\n", "| code | HTTP status | meaning |\n|---|---|---|\n", "\n"));
    }

    @Test
    void lists_every_error_code_with_its_http_status_and_meaning_in_enum_order() {
        assertThat(DOC).contains(errorCodeTable());
    }

    @Test
    void lists_no_error_code_the_enum_lacks() {
        List<String> documented = Pattern.compile("(?m)^\\| `([a-z_]+)` \\| (\\d{3}) \\|")
                .matcher(DOC)
                .results()
                .map(m -> m.group(1))
                .toList();
        assertThat(documented)
                .containsExactlyElementsOf(
                        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
    }

    @Test
    void lists_every_command_with_its_code() {
        for (Command command : Command.values()) {
            assertThat(DOC).contains("| " + command.code() + " | `" + command.wireName() + "` |");
        }
    }

    @Test
    void lists_every_registered_kind() {
        for (Kind kind : List.of(Kind.TEXT, Kind.FILE, Kind.REVOKE, Kind.SENDER_KEY)) {
            assertThat(DOC).contains("| " + kind.code() + " | `" + kind.label() + "` |");
        }
    }

    @Test
    void states_the_default_limits() {
        CodecLimits d = CodecLimits.DEFAULT;
        assertThat(DOC)
                .contains("| `maxFrameBytes` | " + d.maxFrameBytes() + " | `frame_too_large` |")
                .contains("| `maxEntries` | " + d.maxEntries() + " | `limit_exceeded` |")
                .contains("| `maxStringBytes` | " + d.maxStringBytes() + " | `limit_exceeded` |")
                .contains("| `maxDepth` | " + d.maxDepth() + " | `limit_exceeded` |");
    }

    @Test
    void states_the_versions_and_fixed_bounds() {
        assertThat(DOC)
                .contains("version " + Envelope.VERSION)
                .contains("| 0 | `v` | uint | " + Envelope.VERSION + " |")
                .contains("| 0 | `ev_v` | uint | " + Event.VERSION + " |")
                .contains("| 1 | `cid` | bin | 1 .. " + ConversationId.MAX_LENGTH + " bytes |")
                .contains("`limit` | uint 1 .. " + CatchUpRequest.MAX_LIMIT + " |")
                .contains("| 0 | 1 | `silent` |");
    }
}
