// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.nexuslink.client.media.AttachmentException.Reason;

class FileDescriptorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final AttachmentKey KEY = AttachmentKey.decode(TestFiles.counting(0, 64));
    private static final FileDescriptor SAMPLE = new FileDescriptor(
            ID, "a.txt", 5, "text/plain", TestFiles.counting(0xa0, 32), TestFiles.counting(0x80, 32), KEY);

    /** The sample's encoding, written out by hand from docs/client.md, "Files". */
    private static final String GOLDEN = "87"
            + "00" + "d924" + HEX.formatHex(ID.getBytes(StandardCharsets.US_ASCII))
            + "01" + "a5" + "612e747874"
            + "02" + "05"
            + "03" + "aa" + "746578742f706c61696e"
            + "04" + "c420" + HEX.formatHex(TestFiles.counting(0xa0, 32))
            + "06" + "c440" + HEX.formatHex(TestFiles.counting(0, 64))
            + "07" + "c420" + HEX.formatHex(TestFiles.counting(0x80, 32));

    @Test
    void encodes_to_the_golden_bytes() {
        assertThat(HEX.formatHex(SAMPLE.encode())).isEqualTo(GOLDEN);
    }

    @Test
    void decodes_the_golden_bytes() throws Exception {
        FileDescriptor decoded = FileDescriptor.decode(HEX.parseHex(GOLDEN));

        assertThat(decoded).isEqualTo(SAMPLE);
        assertThat(decoded.key()).isEqualTo(KEY);
        assertThat(decoded.ciphertextSha256()).isEqualTo(TestFiles.counting(0xa0, 32));
        assertThat(decoded.ciphertextSize()).isEqualTo(16 + 16 + 32);
    }

    @Test
    void round_trips_a_large_size_and_a_unicode_name() throws Exception {
        FileDescriptor big = new FileDescriptor(
                ID, "Übersicht 📄.pdf", 5L << 40, "application/pdf", new byte[32], new byte[32], KEY);

        assertThat(FileDescriptor.decode(big.encode())).isEqualTo(big);
    }

    @Test
    void skips_unknown_keys_such_as_the_reserved_url() throws Exception {
        // 88 = map of 8; key 5 (url) holds a string, key 200 an array: both skipped.
        String withUrl = "88" + GOLDEN.substring(2) + "05" + "a3" + "783a2f";
        String withArray = "88" + GOLDEN.substring(2) + "ccc8" + "920102";

        assertThat(FileDescriptor.decode(HEX.parseHex(withUrl))).isEqualTo(SAMPLE);
        assertThat(FileDescriptor.decode(HEX.parseHex(withArray))).isEqualTo(SAMPLE);
    }

    @Test
    void hides_the_key_the_name_and_the_plaintext_digest_in_to_string() {
        assertThat(SAMPLE.toString())
                .contains(ID, "size=5", "text/plain")
                .doesNotContain("a.txt", HEX.formatHex(KEY.aesKey()), HEX.formatHex(TestFiles.counting(0x80, 32)));
    }

    private static void assertMalformed(String hex, String message) {
        assertThatThrownBy(() -> FileDescriptor.decode(HEX.parseHex(hex)))
                .isInstanceOfSatisfying(
                        AttachmentException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_DESCRIPTOR))
                .hasMessageContaining(message);
    }

    /** GOLDEN with the entry for {@code key} (hex, as encoded) replaced by {@code entry}. */
    private static String replace(String keyAndValue, String entry) {
        assertThat(GOLDEN).contains(keyAndValue);
        return GOLDEN.replace(keyAndValue, entry);
    }

    @Test
    void refuses_empty_input() {
        assertMalformed("", "empty input");
    }

    @Test
    void refuses_something_other_than_a_map() {
        assertMalformed("93010203", "expected a map, got array");
    }

    @Test
    void refuses_truncated_input() {
        assertMalformed(GOLDEN.substring(0, GOLDEN.length() - 2), "file descriptor");
    }

    @Test
    void refuses_bytes_after_the_map() {
        assertMalformed(GOLDEN + "00", "1 bytes after the map");
    }

    @Test
    void refuses_a_missing_key() {
        assertMalformed(
                "86" + GOLDEN.substring(2, GOLDEN.indexOf("06c440")) + GOLDEN.substring(GOLDEN.indexOf("07c420")),
                "key 6 (key) is missing");
    }

    @Test
    void refuses_a_duplicate_key() {
        assertMalformed("88" + GOLDEN.substring(2) + "0205", "key 2 appears twice");
    }

    @Test
    void refuses_a_string_key() {
        assertMalformed("81" + "a16b" + "01", "map keys must be integers, got string");
    }

    @Test
    void refuses_a_negative_size() {
        assertMalformed(replace("0205", "02ff"), "2 (size): expected an unsigned integer, got -1");
    }

    @Test
    void refuses_a_size_that_does_not_fit() {
        assertMalformed(replace("0205", "02cfffffffffffffffff"), "2 (size)");
    }

    @Test
    void refuses_a_digest_of_the_wrong_length() {
        assertMalformed(
                replace(
                        "04c420" + HEX.formatHex(TestFiles.counting(0xa0, 32)),
                        "04c41f" + HEX.formatHex(TestFiles.counting(0xa0, 31))),
                "4 (sha256): expected 32 bytes, got 31");
    }

    @Test
    void refuses_a_key_of_the_wrong_length() {
        assertMalformed(
                replace(
                        "06c440" + HEX.formatHex(TestFiles.counting(0, 64)),
                        "06c420" + HEX.formatHex(TestFiles.counting(0, 32))),
                "6 (key): expected 64 bytes, got 32");
    }

    @Test
    void refuses_a_name_of_the_wrong_type() {
        assertMalformed(replace("01a5612e747874", "01c405612e747874"), "1 (name): expected a string, got binary");
    }

    @Test
    void refuses_a_name_that_is_not_utf8() {
        assertMalformed(replace("01a5612e747874", "01a5612ec07874"), "1 (name): string is not valid UTF-8");
    }

    @Test
    void refuses_an_empty_name() {
        assertMalformed(replace("01a5612e747874", "01a0"), "name must have 1 to 1024 UTF-8 bytes");
    }

    @Test
    void refuses_a_media_id_that_could_reach_another_path() {
        String evil = "../members/../../../../../../x";
        assertMalformed(
                replace(
                        "00d924" + HEX.formatHex(ID.getBytes(StandardCharsets.US_ASCII)),
                        "00" + "be" + HEX.formatHex(evil.getBytes(StandardCharsets.US_ASCII))),
                "not a media id");
    }

    @Test
    void refuses_a_mime_type_with_control_characters() {
        assertMalformed(replace("03aa746578742f706c61696e", "03aa746578742f706c610a6e"), "mime must be");
    }

    @Test
    void refuses_a_string_whose_length_runs_past_the_input() {
        assertMalformed("8101" + "db7fffffff" + "41", "1 (name): string of 2147483647 bytes exceeds");
        assertMalformed("8101" + "dbffffffff" + "41", "1 (name): string length out of range");
        assertMalformed("8104" + "c6ffffffff" + "41", "4 (sha256): binary length out of range");
    }

    @Test
    void refuses_an_encoding_over_the_limit() {
        byte[] huge = Arrays.copyOf(HEX.parseHex(GOLDEN), FileDescriptor.MAX_ENCODED_LENGTH + 1);
        assertThatThrownBy(() -> FileDescriptor.decode(huge))
                .isInstanceOf(AttachmentException.class)
                .hasMessageContaining("more than 4096");
    }

    @Test
    void constructor_names_the_bad_field() {
        assertThatThrownBy(() -> new FileDescriptor(ID, "a", -1, "text/plain", new byte[32], new byte[32], KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size must be 0 to");
        assertThatThrownBy(() -> new FileDescriptor("ID", "a", 1, "text/plain", new byte[32], new byte[32], KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a media id");
        assertThatThrownBy(() -> new FileDescriptor(ID, "a", 1, "text/plain", new byte[31], new byte[32], KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ciphertextSha256 must have 32 bytes");
    }
}
