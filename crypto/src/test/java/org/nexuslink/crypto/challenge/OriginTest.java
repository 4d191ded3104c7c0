// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class OriginTest {
    @Test
    void urls_are_normalised_to_scheme_host_and_non_default_port() {
        assertThat(Origin.of(URI.create("HTTPS://Chat.Example.ORG:443/some/path?q=1"))
                        .toString())
                .isEqualTo("https://chat.example.org");
        assertThat(Origin.of(URI.create("http://chat.example.org:80")).toString())
                .isEqualTo("http://chat.example.org");
        assertThat(Origin.of(URI.create("http://127.0.0.1:8080/")).toString()).isEqualTo("http://127.0.0.1:8080");
        assertThat(Origin.of(URI.create("https://chat.example.org:80")).toString())
                .isEqualTo("https://chat.example.org:80");
        assertThat(Origin.of(URI.create("http://[::1]:8080")).toString()).isEqualTo("http://[::1]:8080");
    }

    @Test
    void host_headers_give_the_same_origin_as_the_url() {
        assertThat(Origin.fromHost("http", "127.0.0.1:8080"))
                .isEqualTo(Origin.of(URI.create("http://127.0.0.1:8080/api")));
        assertThat(Origin.fromHost("https", "Chat.Example.org:443"))
                .isEqualTo(Origin.of(URI.create("https://chat.example.org")));
    }

    @Test
    void only_normalised_text_parses() {
        assertThat(Origin.parse("https://chat.example.org")).isEqualTo(new Origin("https", "chat.example.org", -1));
        for (String bad : new String[] {
            "https://chat.example.org:443",
            "HTTPS://chat.example.org",
            "https://chat.example.org/",
            "https://u@chat.example.org",
            "ftp://chat.example.org",
            "chat.example.org",
            "https://a b",
            ""
        }) {
            assertThatThrownBy(() -> Origin.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Origin.fromHost("http", "evil.example/path"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
