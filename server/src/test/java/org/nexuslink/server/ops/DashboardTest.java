// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/nexuslink.json is a well-formed Grafana dashboard whose queries use only metrics
 * that docs/operations.md lists, so a renamed metric cannot silently blank a panel.
 */
class DashboardTest {
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "nexuslink.json");
    private static final Pattern SERIES = Pattern.compile("\\b((?:nexuslink|jvm|process|system)_[a-z0-9_]+)");
    /** A row of the metric table: its first cell names the metric. */
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `(nexuslink_[a-z0-9_]+)` \\|");
    /** The binders' families, listed as {@code `jvm_memory_*`}. */
    private static final Pattern FAMILY = Pattern.compile("`((?:jvm|process|system)_[a-z0-9_]*)\\*`");
    /** Series a Prometheus histogram adds to its name. */
    private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum");

    private final JsonNode dashboard = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Files.readString(DASHBOARD));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void the_dashboard_has_the_fields_grafana_imports() {
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("uid").asText()).matches("[a-z0-9-]{1,40}");
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.path("__inputs").findValuesAsText("name")).containsExactly("DS_PROMETHEUS");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt()))
                    .as("panel ids are unique: %s", panel)
                    .isTrue();
            assertThat(panel.path("type").asText()).isIn("row", "timeseries", "stat");
            assertThat(panel.path("title").asText()).isNotBlank();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt())
                    .as("%s fits 24 columns", panel.path("title"))
                    .isBetween(1, 24);
            assertThat(grid.path("h").asInt()).isPositive();
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("targets"))
                        .as("%s has a query", panel.path("title"))
                        .isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
                    assertThat(target.path("expr").asText()).isNotBlank();
                }
            }
        }
        assertThat(ids).hasSizeGreaterThan(10);
    }

    @Test
    void every_metric_the_dashboard_queries_is_documented() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        Set<String> exact = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        Matcher row = TABLE_ROW.matcher(doc);
        while (row.find()) {
            exact.add(row.group(1));
        }
        Matcher family = FAMILY.matcher(doc);
        while (family.find()) {
            prefixes.add(family.group(1));
        }
        assertThat(exact).as("docs/operations.md's metric table").hasSizeGreaterThan(10);

        Set<String> used = new TreeSet<>();
        for (String expr : dashboard.findValuesAsText("expr")) {
            Matcher series = SERIES.matcher(expr);
            while (series.find()) {
                used.add(series.group(1));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher series = SERIES.matcher(variable.path("definition").asText());
            while (series.find()) {
                used.add(series.group(1));
            }
        }

        assertThat(used).as("the dashboard queries the server's own metrics").anyMatch(n -> n.startsWith("nexuslink_"));
        List<String> undocumented = used.stream()
                .filter(name -> {
                    String base = HISTOGRAM_SUFFIXES.stream()
                            .filter(name::endsWith)
                            .findFirst()
                            .map(suffix -> name.substring(0, name.length() - suffix.length()))
                            .orElse(name);
                    return name.startsWith("nexuslink_")
                            ? !exact.contains(name) && !exact.contains(base)
                            : prefixes.stream().noneMatch(name::startsWith);
                })
                .toList();
        assertThat(undocumented)
                .as("metrics used by %s but not listed in docs/operations.md", DASHBOARD)
                .isEmpty();
    }
}
