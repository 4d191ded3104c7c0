// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.config.ConfigKey;

/**
 * The container image as Jib wrote it (docs/operations.md, Container image): the tarball's
 * manifest, configuration and layers, opened the way a container runtime reads them. The build
 * always writes {@code image-check.tar} over an empty base (no registry is reachable from every
 * build machine); {@code nexuslink-image.tar}, from {@code mvn -Pimage package}, is checked the
 * same way when present.
 */
class ContainerImageIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final String JAR_IN_IMAGE = "opt/nexuslink/nexuslink.jar";
    private static final String DATA_DIR = "/var/lib/nexuslink";
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void the_image_runs_the_packaged_jar_as_a_non_root_user_on_the_server_port() throws Exception {
        checkImage(TARGET.resolve("image-check.tar"));
        Path real = TARGET.resolve("nexuslink-image.tar");
        if (Files.exists(real)) {
            Map<String, Entry> files = checkImage(real);
            assertThat(files.keySet()).as("the base image supplies a JRE").anyMatch(name -> name.endsWith("/bin/java"));
        }
    }

    private Map<String, Entry> checkImage(Path tarball) throws Exception {
        assertThat(tarball).exists();
        Map<String, Entry> outer = readTar(Files.newInputStream(tarball));

        JsonNode manifest = json.readTree(outer.get("manifest.json").content());
        assertThat(manifest).hasSize(1);
        JsonNode image = manifest.get(0);
        assertThat(image.get("RepoTags").toString()).contains("nexuslink/community-server:");
        JsonNode config = json.readTree(outer.get(image.get("Config").asText()).content());
        JsonNode container = config.get("config");

        assertThat(config.get("os").asText()).isEqualTo("linux");
        List<String> entrypoint = strings(container.get("Entrypoint"));
        assertThat(entrypoint.getFirst()).isEqualTo("java");
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
                .containsExactly("-jar", "/" + JAR_IN_IMAGE);
        assertThat(strings(container.get("Cmd"))).containsExactly("server");
        assertThat(container.get("ExposedPorts").has(ConfigKey.SERVER_PORT.defaultValue() + "/tcp"))
                .as("exposes the server's default port")
                .isTrue();
        assertThat(strings(container.get("Env"))).contains(ConfigKey.SERVER_DATA_DIR.envVar() + "=" + DATA_DIR);
        assertThat(container.get("Volumes").has(DATA_DIR)).isTrue();
        String user = container.get("User").asText();
        String uid = user.split(":")[0];
        assertThat(uid).as("runs as a numeric non-root user").matches("[0-9]+").isNotEqualTo("0");

        // Every layer is where the manifest says and hashes to its diff_id, as a runtime checks.
        List<String> layerNames = strings(image.get("Layers"));
        List<String> diffIds = strings(config.get("rootfs").get("diff_ids"));
        assertThat(layerNames).hasSameSizeAs(diffIds);
        Map<String, Entry> files = new LinkedHashMap<>();
        for (int i = 0; i < layerNames.size(); i++) {
            byte[] layer = new GZIPInputStream(new ByteArrayInputStream(
                            outer.get(layerNames.get(i)).content()))
                    .readAllBytes();
            assertThat("sha256:" + sha256(layer))
                    .as("diff_id of %s", layerNames.get(i))
                    .isEqualTo(diffIds.get(i));
            files.putAll(readTar(new ByteArrayInputStream(layer)));
        }

        assertThat(files.keySet())
                .as("Jib's classes-and-libs layout is filtered out")
                .noneMatch(name -> name.startsWith("app/"));
        Entry jar = files.get(JAR_IN_IMAGE);
        assertThat(jar).as("the jar is in the image").isNotNull();
        assertThat(sha256(jar.content()))
                .as("the image holds the jar this build packaged")
                .isEqualTo(sha256(Files.readAllBytes(TARGET.resolve("nexuslink.jar"))));
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar.content()))) {
            assertThat(in.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("org.nexuslink.cli.Main");
        }
        Entry data = files.get(DATA_DIR.substring(1) + "/");
        assertThat(data).as("the data directory exists in the image").isNotNull();
        assertThat(data.gid()).isZero();
        assertThat(data.mode() & 0770)
                .as("writable by group 0, the user's group")
                .isEqualTo(0770);
        assertThat(user).endsWith(":0");
        assertThat(files.keySet())
                .as("the data directory is empty in the image (server restore needs it so)")
                .noneMatch(name -> name.startsWith(DATA_DIR.substring(1) + "/") && name.length() > DATA_DIR.length());

        // The entrypoint's JVM options are valid: run the jar from the image with them.
        Path extracted = dir.resolve("nexuslink.jar");
        Files.write(extracted, jar.content());
        List<String> command = new ArrayList<>(entrypoint);
        command.set(0, ProcessHandle.current().info().command().orElseThrow());
        command.set(command.size() - 1, extracted.toString());
        command.add("--version");
        Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("nexuslink");
        return files;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** One tar member: its mode and group as the archive records them, and its bytes. */
    private record Entry(int mode, int gid, byte[] content) {}

    /**
     * The members of a ustar/PAX archive by name (directories end in '/'). PAX headers are read
     * for long names only; the JDK has no tar reader, and this is all the image format uses.
     */
    private static Map<String, Entry> readTar(InputStream stream) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (InputStream in = stream) {
            String paxPath = null;
            while (true) {
                byte[] header = in.readNBytes(512);
                if (header.length < 512 || header[0] == 0) {
                    return entries;
                }
                String name = field(header, 0, 100);
                String prefix = field(header, 345, 155);
                int mode = (int) octal(header, 100, 8);
                int gid = (int) octal(header, 116, 8);
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (type == 'x') {
                    paxPath = paxValue(content, "path");
                    continue;
                }
                String path = paxPath != null ? paxPath : prefix.isEmpty() ? name : prefix + "/" + name;
                paxPath = null;
                if (path.startsWith("./")) {
                    path = path.substring(2);
                }
                if (type == '5' && !path.endsWith("/")) {
                    path += "/";
                }
                entries.put(path, new Entry(mode, gid, content));
            }
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String digits = field(header, offset, length).trim();
        return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    }

    /** A PAX record is "LEN KEY=VALUE\n"; returns the value of key, or null. */
    private static String paxValue(byte[] records, String key) {
        String text = new String(records, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            int equals = line.indexOf('=');
            if (space > 0 && equals > space && line.substring(space + 1, equals).equals(key)) {
                return line.substring(equals + 1);
            }
        }
        return null;
    }
}
