// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encryption and decryption stream: a file far larger than the heap goes through both ways. */
class StreamingTest {
    private static final long HEAP = 32L << 20;
    private static final long FILE = 8 * HEAP;

    @TempDir
    Path dir;

    @Test
    void encrypts_and_decrypts_a_file_eight_times_larger_than_a_32_mib_heap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(
                        java,
                        "-Xmx" + (HEAP >> 20) + "m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        HeapBoundedRoundTrip.class.getName(),
                        dir.toString(),
                        Long.toString(FILE)))
                .redirectErrorStream(true)
                .start();
        boolean exited = child.waitFor(5, TimeUnit.MINUTES);
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            child.destroyForcibly();
        }

        assertThat(exited).as("child finished").isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output)
                .contains(
                        "plaintext=" + FILE,
                        "ciphertext=" + AttachmentCipher.ciphertextSize(FILE),
                        "decrypted=" + FILE);
        long maxHeap = Long.parseLong(
                output.replaceAll("(?s).*max_heap=(\\d+).*", "$1").trim());
        assertThat(maxHeap).isLessThanOrEqualTo(HEAP);
    }
}
