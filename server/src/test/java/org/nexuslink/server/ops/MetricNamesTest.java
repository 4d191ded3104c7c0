// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.PostgresDatabaseExtension;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestWebSocket;

/**
 * The {@code nexuslink_*} families a real server exports (on PostgreSQL, with Redis, after a
 * request, a sign-in and a direct message) are exactly those {@link MetricName} declares and
 * docs/operations.md lists, and they pass {@code promtool check metrics} (Debian's prometheus
 * package; .ci/run installs it).
 */
@ExtendWith(PostgresDatabaseExtension.class)
class MetricNamesTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (nexuslink_[a-z0-9_]+) ([a-z]+)$");
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `(nexuslink_[a-z0-9_]+)` \\|");

    @Test
    void the_scrape_exports_exactly_the_declared_families_and_promtool_finds_no_problem(DatabaseUrl url)
            throws Exception {
        String scrape = scrapeAfterTraffic(url);

        Map<String, String> exported = new java.util.TreeMap<>();
        Matcher type = TYPE.matcher(scrape);
        while (type.find()) {
            exported.put(type.group(1), type.group(2));
        }
        Map<String, String> declared = new java.util.TreeMap<>();
        for (MetricName name : MetricName.values()) {
            if (name.role() != MetricName.Role.COMMUNITY) {
                continue; // a community server is scraped here
            }
            switch (name.type()) {
                case COUNTER -> declared.put(name.prometheusName(), "counter");
                case GAUGE -> declared.put(name.prometheusName(), "gauge");
                case TIMER -> {
                    declared.put(name.prometheusName(), "histogram");
                    declared.put(name.prometheusName() + "_max", "gauge");
                }
            }
        }
        assertThat(exported)
                .as("nexuslink_* families and their types in /metrics")
                .isEqualTo(declared);

        String ours =
                scrape.lines().filter(line -> line.contains("nexuslink_")).collect(Collectors.joining("\n", "", "\n"));
        assertThat(PROMTOOL)
                .as("promtool is installed on the build machine (package prometheus)")
                .isExecutable();
        Process check = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectErrorStream(true)
                .start();
        check.getOutputStream().write(ours.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("promtool check metrics").isBlank();
        assertThat(check.exitValue()).isZero();
    }

    @Test
    void docs_list_every_declared_metric_and_no_other() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        Set<String> documented = new TreeSet<>();
        Matcher row = TABLE_ROW.matcher(doc);
        while (row.find()) {
            documented.add(row.group(1));
        }

        assertThat(documented)
                .isEqualTo(Arrays.stream(MetricName.values())
                        .map(MetricName::prometheusName)
                        .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void names_follow_prometheus_conventions() {
        for (MetricName name : MetricName.values()) {
            assertThat(name.meterName()).as(name.name()).matches("nexuslink(\\.[a-z]+)+");
            assertThat(name.prometheusName()).as(name.name()).startsWith("nexuslink_");
            if (name.type() != MetricName.Type.COUNTER) {
                assertThat(name.prometheusName())
                        .as("only counters end in _total")
                        .doesNotEndWith("_total");
            }
        }
    }

    private static String scrapeAfterTraffic(DatabaseUrl url) {
        Map<String, String> settings = Map.of(
                "NEXUSLINK_REDIS_ENABLED",
                "true",
                "NEXUSLINK_REDIS_CHANNEL_PREFIX",
                "nxl-test-metrics-" + UUID.randomUUID());
        try (TestCommunity community = TestCommunity.start(url, Clock.systemUTC(), settings);
                TestWebSocket member = TestWebSocket.connect(community.server, community.memberToken);
                TestWebSocket admin = TestWebSocket.connect(community.server, community.adminToken)) {
            admin.send(Envelope.of(
                    Command.SEND_DIRECT,
                    new Seq(1),
                    new DirectSend(
                            Bytes.of(new byte[16]),
                            List.of(new DirectSend.Copy(community.member.id(), 1, 3, Bytes.fromHex("c0ffee"))))));
            assertThat(admin.nextOfCommand(Command.ACK).seq()).isEqualTo(new Seq(1));
            member.nextOfCommand(Command.DIRECT_PUSH);
            assertThat(community.server.get("/health", null).status()).isEqualTo(200);
            return community.server.metrics();
        }
    }
}
