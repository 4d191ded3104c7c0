// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.nexuslink.client.store.ProfileStore;
import org.nexuslink.client.store.StoreKey;

/**
 * A temporary directory holding the profile stores of one benchmark trial, opened exactly as the
 * client opens them (SQLite in WAL mode, {@code synchronous=FULL}, sealed columns); closing it
 * closes the stores and deletes the files.
 *
 * <p>{@code disk} puts it under {@code java.io.tmpdir} (a real file system, so every commit
 * waits for its fsync as on a user's machine); {@code tmpfs} under {@code /dev/shm}, where fsync
 * returns at once, which isolates the CPU cost of the store from the disk's.
 */
final class ProfileStoreDir implements AutoCloseable {
    private final Path dir;
    private final List<ProfileStore> stores = new ArrayList<>();

    ProfileStoreDir(String storage) {
        Path parent = switch (storage) {
            case "disk" -> Path.of(System.getProperty("java.io.tmpdir"));
            case "tmpfs" -> Path.of("/dev/shm");
            default -> throw new IllegalArgumentException("storage must be disk or tmpfs, got " + storage);
        };
        if (!Files.isDirectory(parent)) {
            throw new IllegalStateException(
                    "storage " + storage + " needs the directory " + parent + ", which does not exist");
        }
        try {
            this.dir = Files.createTempDirectory(parent, "nexuslink-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + parent, e);
        }
    }

    /** Opens (creating) the profile store of {@code device}, keyed by its device key as the client does. */
    ProfileStore open(BenchDevice device, String name) {
        ProfileStore store = ProfileStore.open(
                dir.resolve(name + ".db"),
                StoreKey.derive(device.keys()),
                device.keys().asIdentityKeyPair());
        stores.add(store);
        return store;
    }

    @Override
    public void close() {
        stores.forEach(ProfileStore::close);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
