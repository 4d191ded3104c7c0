// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** The descriptor decoder round-trips and meets garbage only with its typed error. */
class FileDescriptorProperties {

    @Property
    void round_trips(
            @ForAll @StringLength(min = 1, max = 200) String name,
            @ForAll @LongRange(min = 0, max = FileDescriptor.MAX_SIZE) long size,
            @ForAll @StringLength(min = 1, max = 60) @CharRange(from = '!', to = '~') String mime,
            @ForAll @Size(32) byte[] ciphertextSha256,
            @ForAll @Size(32) byte[] plaintextSha256,
            @ForAll @Size(64) byte[] key)
            throws Exception {
        FileDescriptor descriptor = new FileDescriptor(
                "0f8fad5b-d9cb-469f-a165-70867728950e",
                name,
                size,
                mime,
                ciphertextSha256,
                plaintextSha256,
                AttachmentKey.decode(key));

        assertThat(FileDescriptor.decode(descriptor.encode())).isEqualTo(descriptor);
    }

    @Property
    void random_bytes_raise_only_the_malformed_descriptor_error(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            FileDescriptor.decode(bytes);
        } catch (AttachmentException e) {
            assertThat(e.reason()).isEqualTo(AttachmentException.Reason.MALFORMED_DESCRIPTOR);
        }
    }

    @Property(tries = 100)
    void every_truncation_of_a_valid_encoding_is_refused(@ForAll @LongRange(min = 0, max = 1 << 30) long size) {
        byte[] valid = new FileDescriptor(
                        "0f8fad5b-d9cb-469f-a165-70867728950e",
                        "x.bin",
                        size,
                        "application/octet-stream",
                        new byte[32],
                        new byte[32],
                        AttachmentKey.decode(new byte[64]))
                .encode();
        for (int cut = 0; cut < valid.length; cut++) {
            byte[] prefix = java.util.Arrays.copyOf(valid, cut);
            try {
                FileDescriptor.decode(prefix);
                throw new AssertionError("a prefix of " + cut + " bytes decoded");
            } catch (AttachmentException e) {
                assertThat(e.reason()).isEqualTo(AttachmentException.Reason.MALFORMED_DESCRIPTOR);
            }
        }
    }
}
