// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigKey;
import org.nexuslink.server.config.ConfigLoader;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * deploy/compose/docker-compose.yml with .env.example, as {@code docker-compose config} resolves
 * them (Debian's docker-compose package; no Docker engine is needed to validate): the three
 * services of seed 000's example, wired to each other, running the image the cli module builds,
 * with an environment the server's own configuration loader accepts.
 */
class ComposeFileTest {
    private static final Path COMPOSE =
            Path.of("..", "deploy", "compose", "docker-compose.yml").toAbsolutePath();
    private static final Path ENV_EXAMPLE =
            Path.of("..", "deploy", "compose", ".env.example").toAbsolutePath();
    private static final Path TOOL = Path.of("/usr/bin/docker-compose");
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    @Test
    void the_example_resolves_to_the_server_postgresql_and_redis_wired_together() throws Exception {
        Result result = config(ENV_EXAMPLE);
        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode services = yaml.readTree(result.output()).get("services");

        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("nexuslink-community", "postgres", "redis");

        JsonNode server = services.get("nexuslink-community");
        assertThat(server.get("image").asText()).isEqualTo(imageNameInCliPom() + ":latest");
        assertThat(server.get("depends_on").get("postgres").get("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(server.get("depends_on").has("redis")).isTrue();
        assertThat(server.get("ports").get(0).get("target").asText()).isEqualTo(ConfigKey.SERVER_PORT.defaultValue());
        assertThat(server.get("volumes").get(0).asText()).startsWith("nexuslink-data:/var/lib/nexuslink");
        assertThat(server.get("healthcheck").get("test").toString()).contains("\"server\",\"status\"");

        Map<String, String> environment = new LinkedHashMap<>();
        server.get("environment")
                .fields()
                .forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        assertThat(environment.keySet())
                .as("every variable is a configuration key or one of its aliases")
                .allMatch(ComposeFileTest::isConfigVariable);

        Config loaded = ConfigLoader.load(null, environment, Map.of());
        DatabaseUrl.Postgres database = (DatabaseUrl.Postgres) loaded.database().url();
        JsonNode postgres = services.get("postgres").get("environment");
        assertThat(database.host()).isEqualTo("postgres");
        assertThat(database.database()).isEqualTo(postgres.get("POSTGRES_DB").asText());
        assertThat(database.user()).isEqualTo(postgres.get("POSTGRES_USER").asText());
        assertThat(database.password())
                .isEqualTo(postgres.get("POSTGRES_PASSWORD").asText())
                .isNotBlank();
        assertThat(loaded.redis().enabled()).isTrue();
        assertThat(loaded.redis().url().getHost()).isEqualTo("redis");
        assertThat(loaded.community().maxMembers()).isEqualTo(10_000);
        assertThat(loaded.community().storageLimitBytes()).isEqualTo(50L * 1024 * 1024 * 1024);
        assertThat(loaded.redis().url().getPort()).isEqualTo(6379);
    }

    @Test
    void without_a_database_password_the_file_does_not_resolve_and_names_the_variable() throws Exception {
        Path env = dir.resolve("no-password.env");
        Files.writeString(env, Files.readString(ENV_EXAMPLE).replaceAll("(?m)^POSTGRES_PASSWORD=.*$", ""));

        Result result = config(env);

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("set POSTGRES_PASSWORD in .env");
    }

    @Test
    void the_server_and_database_restart_unless_stopped_and_postgres_keeps_its_data_in_a_volume() throws Exception {
        Result result = config(ENV_EXAMPLE);
        assertThat(result.exitCode()).as(result.output()).isZero();
        JsonNode resolved = yaml.readTree(result.output());

        assertThat(resolved.get("services")
                        .get("nexuslink-community")
                        .get("restart")
                        .asText())
                .isEqualTo("unless-stopped");
        assertThat(resolved.get("services").get("postgres").get("restart").asText())
                .isEqualTo("unless-stopped");
        assertThat(resolved.get("services")
                        .get("postgres")
                        .get("volumes")
                        .get(0)
                        .asText())
                .startsWith("pgdata:/var/lib/postgresql/data");
        assertThat(resolved.get("volumes").has("pgdata")).isTrue();
        assertThat(resolved.get("volumes").has("nexuslink-data")).isTrue();
    }

    private static boolean isConfigVariable(String name) {
        return Arrays.stream(ConfigKey.values())
                .anyMatch(key -> key.envVar().equals(name) || key.envAliases().contains(name));
    }

    private static String imageNameInCliPom() throws Exception {
        Matcher name = Pattern.compile("<image.name>([^<]+)</image.name>")
                .matcher(Files.readString(Path.of("..", "cli", "pom.xml")));
        assertThat(name.find()).as("cli/pom.xml names the image").isTrue();
        return name.group(1);
    }

    private record Result(int exitCode, String output) {}

    private Result config(Path envFile) throws Exception {
        assertThat(TOOL)
                .as("docker-compose is installed on the build machine (package docker-compose)")
                .isExecutable();
        // The project directory is a scratch copy, so nothing beside the checked-in file is read or written.
        Path project = dir.resolve("project");
        Files.createDirectories(project);
        Files.copy(COMPOSE, project.resolve("docker-compose.yml"), StandardCopyOption.REPLACE_EXISTING);
        Process process = new ProcessBuilder(List.of(
                        TOOL.toString(),
                        "--project-directory",
                        project.toString(),
                        "-f",
                        project.resolve("docker-compose.yml").toString(),
                        "--env-file",
                        envFile.toString(),
                        "config"))
                .directory(project.toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), process.exitValue() == 0 ? out : out + err);
    }
}
