// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<String> names() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void write_replaces_the_content_and_leaves_no_temporary_file() throws Exception {
        Path f = dir.resolve("key");
        AtomicFile.write(f, new byte[] {1, 2});
        AtomicFile.write(f, new byte[] {3});
        assertThat(Files.readAllBytes(f)).containsExactly(3);
        assertThat(names()).containsExactly("key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-------");
    }

    @Test
    void create_makes_a_complete_owner_only_file_and_refuses_an_existing_one_unchanged() throws Exception {
        Path f = dir.resolve("p2p.key");
        AtomicFile.create(f, new byte[] {7, 7, 7});
        assertThat(Files.readAllBytes(f)).containsExactly(7, 7, 7);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-------");
        assertThatThrownBy(() -> AtomicFile.create(f, new byte[] {9})).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(f)).containsExactly(7, 7, 7);
        assertThat(names()).containsExactly("p2p.key");
    }

    @Test
    void of_many_racing_creators_exactly_one_wins_and_its_content_is_whole() throws Exception {
        Path f = dir.resolve("raced");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Boolean>> racers = IntStream.range(0, 16)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    AtomicFile.create(f, new byte[] {(byte) i, (byte) i, (byte) i, (byte) i});
                                    return true;
                                } catch (FileAlreadyExistsException lost) {
                                    return false;
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            },
                            pool))
                    .toList();
            long winners = racers.stream().filter(CompletableFuture::join).count();
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
        byte[] content = Files.readAllBytes(f);
        assertThat(content).hasSize(4).containsOnly(content[0]);
        assertThat(names()).containsExactly("raced");
    }
}
