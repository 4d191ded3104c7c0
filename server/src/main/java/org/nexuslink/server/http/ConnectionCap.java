// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.nexuslink.server.ratelimit.RateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code limits.connections_per_ip}: counts the open connections (HTTP and WebSocket) of each
 * remote address (an IPv6 /64 counts as one) on this listener, and closes a connection that
 * would pass the cap as soon as it is accepted, before TLS or HTTP cost anything. First in every
 * pipeline; shared by the listener's connections, counts in a concurrent map.
 */
@ChannelHandler.Sharable
final class ConnectionCap extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);
    private static final AttributeKey<String> COUNTED = AttributeKey.valueOf("nexuslink.connectionKey");

    private final int perAddress;
    private final RateLimits limits;
    /** Open connections by address key; an entry goes when its count reaches 0. */
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    ConnectionCap(int perAddress, RateLimits limits) {
        if (perAddress < 1) {
            throw new IllegalArgumentException("perAddress must be at least 1, got " + perAddress);
        }
        this.perAddress = perAddress;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        String key = RateLimits.addressKey(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        boolean[] admitted = {false};
        open.compute(key, (k, count) -> {
            int n = count == null ? 0 : count;
            if (n >= perAddress) {
                return count;
            }
            admitted[0] = true;
            return n + 1;
        });
        if (!admitted[0]) {
            limits.connectionRefused();
            log.atDebug().addKeyValue("peer", key).log("connection refused: limits.connections_per_ip reached");
            ctx.close();
            return;
        }
        ctx.channel().attr(COUNTED).set(key);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        String key = ctx.channel().attr(COUNTED).getAndSet(null);
        if (key != null) {
            open.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
        }
        super.channelInactive(ctx);
    }
}
