// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.nexuslink.protocol.Command;
import org.nexuslink.server.ops.MetricName;

/**
 * Seed 000's {@code nexuslink_ws_messages_total{direction, type}}: envelopes received and sent,
 * by command. Counters are created once per command, so counting costs no lookup. Thread-safe.
 */
public final class GatewayMetrics {
    private final Map<Command, Counter> in = new EnumMap<>(Command.class);
    private final Map<Command, Counter> out = new EnumMap<>(Command.class);

    public GatewayMetrics(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        for (Command command : Command.values()) {
            in.put(command, counter(registry, "in", command));
            out.put(command, counter(registry, "out", command));
        }
    }

    private static Counter counter(MeterRegistry registry, String direction, Command command) {
        return Counter.builder(MetricName.WS_MESSAGES.meterName())
                .description("WebSocket envelopes by direction and command")
                .tags("direction", direction, "type", command.wireName())
                .register(registry);
    }

    void received(Command command) {
        in.get(command).increment();
    }

    void sent(Command command) {
        out.get(command).increment();
    }
}
