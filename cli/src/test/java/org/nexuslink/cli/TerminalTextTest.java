// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What the CLI prints of text it did not write: visible escapes for everything a terminal obeys. */
class TerminalTextTest {

    @Test
    void escape_sequences_controls_and_bidi_are_made_visible() {
        assertThat(TerminalText.safe("a\u001b[31mred\u001b]8;;http://x\u0007link\u009b2J\u007f\u0000"))
                .isEqualTo("a\\e[31mred\\e]8;;http://x\\x07link\\x9b2J\\x7f\\x00");
        assertThat(TerminalText.safe("one\r\ntwo\tthree")).isEqualTo("one\\r\\ntwo\\tthree");
        assertThat(TerminalText.safe("abc\u202edcba\u2066x\u2069\u200f\u2028"))
                .isEqualTo("abc\\u202edcba\\u2066x\\u2069\\u200f\\u2028");
    }

    @Test
    void ordinary_text_is_unchanged() {
        String text = "Grüße, 你好, emoji \uD83D\uDE00, a\\b, zero\u200dwidth joiner";
        assertThat(TerminalText.safe(text)).isEqualTo(text);
    }

    @Test
    void json_holds_only_printable_ascii_and_reads_back_the_same() throws Exception {
        var node = new ObjectMapper().createObjectNode().put("name", "x\u001b[2J\u202e\u009bé");
        String line = TerminalText.json(node);
        assertThat(line.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        assertThat(new ObjectMapper().readTree(line)).isEqualTo(node);
    }
}
