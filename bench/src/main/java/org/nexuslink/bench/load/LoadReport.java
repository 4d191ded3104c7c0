// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a load run: what was delivered, how fast, and the send-to-receive latency
 * percentiles in milliseconds.
 */
public record LoadReport(String mode, int devices, double seconds, long sent, long acknowledged, long delivered,
                         long errors, Map<String, Long> errorCodes, double p50, double p99, double p999) {

    /** Builds a report from raw latencies in microseconds. */
    static LoadReport of(String mode, int devices, double seconds, long sent, long acknowledged, long delivered,
                         long errors, Map<String, Long> errorCodes, long[] latencyMicros) {
        long[] sorted = latencyMicros.clone();
        Arrays.sort(sorted);
        return new LoadReport(mode, devices, seconds, sent, acknowledged, delivered, errors, Map.copyOf(errorCodes),
                percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 0.999));
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    public double deliveredPerSecond() {
        return seconds > 0 ? delivered / seconds : 0;
    }

    /** One JSON object, as {@code --json} prints it. */
    public String toJson() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("mode", "\"" + mode + "\"");
        fields.put("devices", devices);
        fields.put("seconds", round(seconds));
        fields.put("sent", sent);
        fields.put("acknowledged", acknowledged);
        fields.put("delivered", delivered);
        fields.put("delivered_per_second", round(deliveredPerSecond()));
        fields.put("errors", errors);
        StringBuilder codes = new StringBuilder("{");
        errorCodes.forEach((code, count) -> codes.append(codes.length() > 1 ? "," : "").append('"').append(code)
                .append("\":").append(count));
        fields.put("error_codes", codes.append('}'));
        fields.put("latency_ms", "{\"p50\":" + round(p50) + ",\"p99\":" + round(p99) + ",\"p999\":" + round(p999) + "}");
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return json.append('}').toString();
    }

    private static String round(double value) {
        return Double.isNaN(value) ? "null" : String.format(java.util.Locale.ROOT, "%.3f", value);
    }
}
