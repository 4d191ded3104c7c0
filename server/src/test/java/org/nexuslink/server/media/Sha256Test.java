// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
    /** SHA-256 of "hello world" in base64 (check: printf "hello world" | sha256sum). */
    private static final String HELLO = "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=";

    @Test
    void reads_the_sha_256_member_of_a_content_digest_header() {
        Sha256 digest = Sha256.of(Sha256.digester().digest("hello world".getBytes(StandardCharsets.US_ASCII)));

        assertThat(Sha256.parseContentDigest("sha-256=:" + HELLO + ":")).isEqualTo(digest);
        assertThat(Sha256.parseContentDigest("sha-512=:AAAA:, sha-256=:" + HELLO + ":"))
                .isEqualTo(digest);
        assertThat(Sha256.parseContentDigest("SHA-256=:" + HELLO + ":")).isEqualTo(digest);
        assertThat(digest.hex()).isEqualTo("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    }

    @Test
    void refuses_headers_without_a_valid_sha_256() {
        assertThatThrownBy(() -> Sha256.parseContentDigest("md5=:AAAA:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sha256.parseContentDigest("sha-256=:AAAA:"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> Sha256.parseContentDigest(HELLO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void media_ids_are_random_version_4_uuids_in_canonical_form() {
        MediaId id = MediaId.random(new java.security.SecureRandom());

        assertThat(id.value().version()).isEqualTo(4);
        assertThat(MediaId.parse(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> MediaId.parse(id.toString().toUpperCase(java.util.Locale.ROOT)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MediaId.parse("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}
