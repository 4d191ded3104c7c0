// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of a load run: what was delivered, how fast, the send-to-receive latency
 * percentiles in milliseconds, and fields of the mode's own (for {@code idle}: connections and the
 * server's memory; for {@code offline}: store rate and drain time; for {@code channel}: members).
 *
 * @param extra further JSON fields in order; values are numbers, strings or null
 */
public record LoadReport(
        String mode,
        int devices,
        double seconds,
        long sent,
        long acknowledged,
        long delivered,
        long errors,
        Map<String, Long> errorCodes,
        double p50,
        double p99,
        double p999,
        Map<String, Object> extra) {

    public LoadReport {
        errorCodes = Map.copyOf(errorCodes);
        extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    static LoadReport of(
            String mode,
            int devices,
            double seconds,
            long sent,
            long acknowledged,
            long delivered,
            long errors,
            Map<String, Long> errorCodes,
            Latencies latencies,
            Map<String, Object> extra) {
        return new LoadReport(
                mode,
                devices,
                seconds,
                sent,
                acknowledged,
                delivered,
                errors,
                errorCodes,
                latencies.percentileMillis(50),
                latencies.percentileMillis(99),
                latencies.percentileMillis(99.9),
                extra);
    }

    public double deliveredPerSecond() {
        return seconds > 0 ? delivered / seconds : 0;
    }

    /** One JSON object, as {@code --json} prints it. */
    public String toJson() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("mode", string(mode));
        fields.put("devices", Integer.toString(devices));
        fields.put("seconds", number(seconds));
        fields.put("sent", Long.toString(sent));
        fields.put("acknowledged", Long.toString(acknowledged));
        fields.put("delivered", Long.toString(delivered));
        fields.put("delivered_per_second", number(deliveredPerSecond()));
        fields.put("errors", Long.toString(errors));
        StringBuilder codes = new StringBuilder("{");
        new TreeMap<>(errorCodes)
                .forEach((code, count) -> codes.append(codes.length() > 1 ? "," : "")
                        .append(string(code))
                        .append(':')
                        .append(count));
        fields.put("error_codes", codes.append('}').toString());
        fields.put(
                "latency_ms",
                "{\"p50\":" + number(p50) + ",\"p99\":" + number(p99) + ",\"p999\":" + number(p999) + "}");
        extra.forEach((key, value) -> fields.put(key, value(value)));
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                .append(string(k))
                .append(':')
                .append(v));
        return json.append('}').toString();
    }

    /** A line for people. */
    public String summary() {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "%s: delivered %d in %.1f s: %.0f msgs/s; latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms; errors %d %s",
                mode,
                delivered,
                seconds,
                deliveredPerSecond(),
                p50,
                p99,
                p999,
                errors,
                errorCodes));
        extra.forEach((key, value) -> line.append("; ").append(key).append(' ').append(value));
        return line.toString();
    }

    private static String value(Object value) {
        return switch (value) {
            case null -> "null";
            case Double d -> number(d);
            case Float f -> number(f);
            case Number n -> n.toString();
            default -> string(value.toString());
        };
    }

    private static String number(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "null" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String string(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
