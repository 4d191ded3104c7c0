// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.pow.ProofOfWork;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.directory.CommunityNotice;
import org.nexuslink.protocol.directory.CommunityRegistration;
import org.nexuslink.protocol.directory.ServerSignedRequest;
import org.nexuslink.protocol.directory.SigningDomains;

/**
 * Issue 20's "Done when": a directory and two community servers, each a process of the packaged
 * jar, driven through the `nexuslink` command as operators, users and reviewers would, plus raw
 * signed requests for the refusals no command would send.
 */
class DirectoryProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int DIFFICULTY = 8;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path jar = Path.of("target", "nexuslink.jar").toAbsolutePath();
    private final Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** The command line that runs the packaged jar with {@code args}, as a long-running process. */
    private List<String> nexuslink(String... args) {
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private Process server(String name, int port, Path dataDir, Map<String, String> env) throws Exception {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        nexuslink("server", "--data-dir", dataDir.toString(), "--port", Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1");
        Process process = builder.start();
        processes.add(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited: " + Files.readString(log));
            }
            try {
                if (get("http://127.0.0.1:" + port + "/health").statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        throw new AssertionError(name + " did not start: " + Files.readString(log));
    }

    /**
     * {@code nexuslink app}'s directory search and join, over its local API as its web interface
     * calls it: a new identity finds the chess community in the directory and joins it there.
     */
    private void appJoinsFromTheDirectory(String directory, String communityId, String endpoint) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(nexuslink(
                "app",
                "--no-browser",
                "--profile",
                dir.resolve("profiles").resolve("app-user").toString()));
        Process app = builder.redirectErrorStream(true).start();
        processes.add(app);
        String line = new java.io.BufferedReader(
                        new java.io.InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertThat(line).startsWith("open http://127.0.0.1:");
        String base = line.substring("open ".length(), line.indexOf('#'));
        String token = line.substring(line.indexOf("#token=") + "#token=".length());
        BiFunction<String, Object, JsonNode> call = (path, body) -> {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(60));
                if (body != null) {
                    request.header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode())
                        .as("%s: %s", path, response.body())
                        .isEqualTo(200);
                return JSON.readTree(response.body());
            } catch (Exception e) {
                throw new AssertionError(path, e);
            }
        };
        call.apply("/api/identity", Map.of("passphrase", CliFixture.PASSPHRASE, "words", 12));
        JsonNode found = call.apply(
                "/api/directory/search?directory=" + URLEncoder.encode(directory, StandardCharsets.UTF_8) + "&q=chess",
                null);
        assertThat(found.get("communities")).hasSize(1);
        assertThat(found.get("communities").get(0).get("id").asText()).isEqualTo(communityId);
        assertThat(found.get("communities").get(0).get("name").asText()).isEqualTo("Chess Club");
        JsonNode state = call.apply(
                "/api/community/join", Map.of("directory", directory, "id", communityId, "displayName", "Dana"));
        assertThat(state.get("community").asText()).isEqualTo(endpoint);
        stop(app);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** The result of one `nexuslink` command. */
    record Result(int exit, String out, String err) {
        Result ok() {
            assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
            return this;
        }
    }

    private Result cli(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("NEXUSLINK_PASSPHRASE", CliFixture.PASSPHRASE);
        builder.environment().putAll(env);
        Process p = builder.start();
        processes.add(p);
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return new Result(
                p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private Result user(String profile, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--profile", dir.resolve("profiles").resolve(profile).toString()));
        return cli(Map.of(), all.toArray(String[]::new));
    }

    private String createAccount(String profile) throws Exception {
        return user(profile, "id", "create")
                .ok()
                .out()
                .lines()
                .filter(l -> l.startsWith("Account id:"))
                .findFirst()
                .orElseThrow()
                .substring("Account id:".length())
                .strip();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String url) throws Exception {
        return JSON.readTree(get(url).body());
    }

    private JsonNode send(String method, String url, Object body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(SNAKE.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static final ObjectMapper SNAKE = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .addModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
            .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private static ServerSignedRequest signed(ServerKeyPair key, String domain, Object payload) throws Exception {
        byte[] bytes = SNAKE.writeValueAsBytes(payload);
        return new ServerSignedRequest(
                Base64.getEncoder().encodeToString(bytes), Base64.getEncoder().encodeToString(key.sign(domain, bytes)));
    }

    private static String nonce() {
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        return HexFormat.of().formatHex(raw);
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError(what + ": not within 90 s");
    }

    private static String communityId(Result registered) {
        return registered
                .out()
                .lines()
                .filter(l -> l.startsWith("Registered "))
                .findFirst()
                .orElseThrow()
                .split(" ")[1];
    }

    @Test
    void a_directory_and_two_communities_in_separate_processes() throws Exception {
        assertThat(jar).exists();
        // --- the compliance key (a reviewer's file) and the directory ---
        Path complianceKey = dir.resolve("reviewer").resolve("compliance.key");
        Files.createDirectories(complianceKey.getParent());
        String compliancePublic = cli(Map.of(), "directory", "compliance-key", "--file", complianceKey.toString())
                .ok()
                .out()
                .strip();
        Path directoryData = dir.resolve("directory");
        int directoryPort = CliFixture.freePort();
        String directory = "http://127.0.0.1:" + directoryPort;
        Map<String, String> directoryEnv = Map.of(
                "NEXUSLINK_SERVER_ROLE", "directory",
                "NEXUSLINK_DIRECTORY_COMPLIANCE_KEY", compliancePublic,
                "NEXUSLINK_DIRECTORY_POW_DIFFICULTY", Integer.toString(DIFFICULTY),
                "NEXUSLINK_DIRECTORY_REPORT_THRESHOLD", "2",
                "NEXUSLINK_DIRECTORY_ALLOW_PRIVATE_ENDPOINTS", "true",
                "NEXUSLINK_DIRECTORY_PROBE_INTERVAL", "1",
                "NEXUSLINK_DIRECTORY_UNREACHABLE_AFTER", "6",
                "NEXUSLINK_DIRECTORY_WRITES_PER_HOUR", "1000");
        server("directory", directoryPort, directoryData, directoryEnv);
        String reviewer = directoryData.toString();
        String directoryId =
                getJson(directory + "/api/v1/server").get("server_id").asText();

        // --- accounts: the admin of both communities, two reporters, a joiner ---
        String admin = createAccount("admin");
        createAccount("reporter1");
        createAccount("reporter2");
        createAccount("joiner");

        // --- KYC: sealed materials, a reviewer opens and approves ---
        byte[] passport = ("PASSPORT-MARKER-" + nonce()).getBytes(StandardCharsets.UTF_8);
        Path passportFile = dir.resolve("passport.jpg");
        Files.write(passportFile, passport);
        Path selfieFile = dir.resolve("selfie.jpg");
        Files.write(selfieFile, "selfie".getBytes(StandardCharsets.UTF_8));
        assertThat(user(
                                "admin",
                                "directory",
                                "kyc",
                                "request",
                                "--directory",
                                directory,
                                "--material",
                                "government_id=" + passportFile,
                                "--material",
                                "selfie=" + selfieFile)
                        .ok()
                        .out())
                .contains("pending");
        assertThat(cli(Map.of(), "directory", "kyc", "list", "-d", reviewer)
                        .ok()
                        .out())
                .contains(admin);
        Path opened = dir.resolve("reviewer").resolve("opened");
        cli(
                        Map.of(),
                        "directory",
                        "kyc",
                        "show",
                        admin,
                        "--compliance-key",
                        complianceKey.toString(),
                        "--out",
                        opened.toString(),
                        "-d",
                        reviewer)
                .ok();
        assertThat(Files.readAllBytes(opened.resolve("government_id"))).isEqualTo(passport);
        cli(Map.of(), "directory", "kyc", "approve", admin, "-d", reviewer).ok();
        assertThat(user("admin", "directory", "kyc", "status", "--directory", directory)
                        .ok()
                        .out())
                .contains("approved");

        // --- two communities register, signed with their server keys ---
        int portA = CliFixture.freePort();
        int portB = CliFixture.freePort();
        Path dataA = dir.resolve("community-a");
        Path dataB = dir.resolve("community-b");
        Map<String, String> envA = new HashMap<>(Map.of(
                "NEXUSLINK_COMMUNITY_NAME",
                "Rust Hackers",
                "NEXUSLINK_COMMUNITY_ADMIN_UUID",
                admin,
                "NEXUSLINK_DIRECTORY_URL",
                directory,
                "NEXUSLINK_DIRECTORY_HEARTBEAT_INTERVAL",
                "10"));
        Map<String, String> envB =
                Map.of("NEXUSLINK_COMMUNITY_NAME", "Chess Club", "NEXUSLINK_COMMUNITY_ADMIN_UUID", admin);
        server("community-a", portA, dataA, envA);
        Process communityB = server("community-b", portB, dataB, envB);
        String idA = communityId(cli(
                        envA,
                        "server",
                        "register",
                        "-d",
                        dataA.toString(),
                        "--directory",
                        directory,
                        "--endpoint",
                        "http://127.0.0.1:" + portA,
                        "--description",
                        "Systems programming in Rust",
                        "--tag",
                        "rust",
                        "--tag",
                        "programming")
                .ok());
        String idB = communityId(cli(
                        envB,
                        "server",
                        "register",
                        "-d",
                        dataB.toString(),
                        "--directory",
                        directory,
                        "--endpoint",
                        "http://127.0.0.1:" + portB,
                        "--description",
                        "Blitz and classical chess",
                        "--tag",
                        "chess")
                .ok());

        // --- search ---
        JsonNode rust = JSON.readTree(cli(Map.of(), "directory", "search", "rust", "--directory", directory, "--json")
                .ok()
                .out());
        assertThat(rust.get("communities")).hasSize(1);
        assertThat(rust.get("communities").get(0).get("id").asText()).isEqualTo(idA);
        assertThat(rust.get("communities").get(0).get("verified").asBoolean()).isTrue();
        assertThat(cli(Map.of(), "directory", "search", "--tag", "chess", "--directory", directory)
                        .ok()
                        .out())
                .contains(idB, "Chess Club")
                .doesNotContain(idA);
        appJoinsFromTheDirectory(directory, idB, "http://127.0.0.1:" + portB);

        // --- heartbeat: community A's reputation counts it ---
        await(
                "a heartbeat from community A",
                () -> getJson(directory + "/api/v1/community/" + idA)
                                .get("reputation")
                                .asDouble()
                        > 0.7);

        // --- update with the right key (register again), and the wrong key ---
        assertThat(cli(
                                envA,
                                "server",
                                "register",
                                "-d",
                                dataA.toString(),
                                "--directory",
                                directory,
                                "--endpoint",
                                "http://127.0.0.1:" + portA,
                                "--description",
                                "Rust, embedded and async",
                                "--tag",
                                "rust")
                        .ok()
                        .out())
                .contains("Updated " + idA);
        assertThat(getJson(directory + "/api/v1/community/" + idA)
                        .get("description")
                        .asText())
                .isEqualTo("Rust, embedded and async");
        ServerKeyPair keyA = ServerKeyPair.loadOrCreate(dataA.resolve("server.key"), RANDOM);
        ServerKeyPair stranger = ServerKeyPair.generate(RANDOM);
        CommunityRegistration hijack = new CommunityRegistration(
                directoryId,
                System.currentTimeMillis(),
                nonce(),
                "Hijacked",
                "",
                List.of(),
                "http://127.0.0.1:" + portA,
                admin,
                keyA.publicKey().base64(),
                0);
        assertThat(send("PUT", directory + "/api/v1/community/" + idA, signed(stranger, SigningDomains.UPDATE, hijack))
                        .get("code")
                        .asText())
                .isEqualTo("forbidden");
        assertThat(send(
                                "DELETE",
                                directory + "/api/v1/community/" + idA,
                                signed(
                                        stranger,
                                        SigningDomains.DELETE,
                                        new CommunityNotice(directoryId, System.currentTimeMillis(), nonce(), idA)))
                        .get("code")
                        .asText())
                .isEqualTo("forbidden");

        // --- a bad proof of work, and a replayed request ---
        String powNonce = nonce();
        long badPow = 0;
        byte[] challenge =
                SigningDomains.powChallenge(directoryId, stranger.publicKey().base64(), powNonce);
        while (ProofOfWork.verify(challenge, DIFFICULTY, badPow)) {
            badPow++;
        }
        CommunityRegistration lazy = new CommunityRegistration(
                directoryId,
                System.currentTimeMillis(),
                powNonce,
                "Spam",
                "",
                List.of(),
                "http://127.0.0.1:" + portA,
                admin,
                stranger.publicKey().base64(),
                badPow);
        assertThat(send(
                                "POST",
                                directory + "/api/v1/community/register",
                                signed(stranger, SigningDomains.REGISTER, lazy))
                        .get("code")
                        .asText())
                .isEqualTo("proof_of_work_invalid");
        ServerSignedRequest heartbeat = signed(
                keyA,
                SigningDomains.HEARTBEAT,
                new CommunityNotice(directoryId, System.currentTimeMillis(), nonce(), idA));
        assertThat(send("POST", directory + "/api/v1/community/" + idA + "/heartbeat", heartbeat)
                        .has("community_id"))
                .isTrue();
        assertThat(send("POST", directory + "/api/v1/community/" + idA + "/heartbeat", heartbeat)
                        .get("code")
                        .asText())
                .isEqualTo("replayed_request");

        // --- joining through the directory: A's live key is the listed one ---
        Result joined = user("joiner", "community", "join", "--directory", directory, "--id", idA)
                .ok();
        assertThat(joined.out())
                .contains("Server key (pinned): " + keyA.publicKey().base64());
        assertThat(Files.readString(dir.resolve("profiles").resolve("joiner").resolve("directory.json")))
                .contains(idA, keyA.publicKey().base64());

        // --- community B is replaced by a server with another key at the same endpoint: refused ---
        stop(communityB);
        Process impostor = server("impostor", portB, dir.resolve("impostor"), Map.of());
        Result refused = user("reporter2", "community", "join", "--directory", directory, "--id", idB);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("listing_key_mismatch");
        assertThat(dir.resolve("profiles").resolve("reporter2").resolve("directory.json"))
                .doesNotExist();

        // --- a dead endpoint loses reputation and leaves results ---
        double before = getJson(directory + "/api/v1/community/" + idB)
                .get("reputation")
                .asDouble();
        stop(impostor);
        // Probes back off while an endpoint fails (up to 16 intervals), so wait for one to land.
        await(
                "a failed probe lowering community B's reputation",
                () -> getJson(directory + "/api/v1/community/" + idB)
                                .get("reputation")
                                .asDouble()
                        < before);
        await(
                "community B leaving search results",
                () -> getJson(directory + "/api/v1/community/search?tag=chess")
                        .get("communities")
                        .isEmpty());

        // --- abuse reports reach the threshold and suspend A; reviewers dismiss them ---
        String report1 = user("reporter1", "directory", "report", idA, "--directory", directory, "--category", "spam")
                .ok()
                .out()
                .split(" ")[1];
        assertThat(user("reporter1", "directory", "report", idA, "--directory", directory)
                        .exit())
                .isEqualTo(1);
        assertThat(cli(Map.of(), "directory", "search", "rust", "--directory", directory)
                        .ok()
                        .out())
                .contains(idA);
        user("reporter2", "directory", "report", idA, "--directory", directory, "--category", "illegal")
                .ok();
        assertThat(cli(Map.of(), "directory", "search", "rust", "--directory", directory)
                        .ok()
                        .out())
                .contains("No communities found.");
        assertThat(getJson(directory + "/api/v1/community/" + idA).get("status").asText())
                .isEqualTo("suspended");
        assertThat(user("reporter1", "directory", "report", "--status", report1, "--directory", directory)
                        .ok()
                        .out())
                .contains(report1, "open");
        String open = cli(Map.of(), "directory", "reports", "list", "-d", reviewer)
                .ok()
                .out();
        for (String line : open.lines().filter(l -> l.startsWith("nxr-")).toList()) {
            cli(Map.of(), "directory", "reports", "resolve", line.split(" ")[0], "--dismiss", "-d", reviewer)
                    .ok();
        }
        assertThat(cli(Map.of(), "directory", "search", "rust", "--directory", directory)
                        .ok()
                        .out())
                .contains(idA);

        // --- delete with the right key ---
        assertThat(cli(envA, "server", "unregister", "-d", dataA.toString())
                        .ok()
                        .out())
                .contains("Deleted " + idA);
        assertThat(get(directory + "/api/v1/community/" + idA).statusCode()).isEqualTo(404);

        // --- the directory holds no KYC material in clear, in its files or its log ---
        List<Path> files = new ArrayList<>(List.of(dir.resolve("directory.log")));
        try (Stream<Path> all = Files.walk(directoryData)) {
            all.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path file : files) {
            assertThat(CliFixture.indexOf(Files.readAllBytes(file), passport))
                    .as("passport in %s", file)
                    .isEqualTo(-1);
        }
    }

    static boolean any(List<String> lines, Predicate<String> match) {
        return lines.stream().anyMatch(match);
    }
}
