// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.redis;

import java.net.URI;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;

/**
 * The node's pooled Redis client, used when {@code [redis] enabled}: cross-node fan-out
 * ({@link org.nexuslink.server.cluster.ClusterBus}) builds on it, presence and shared rate limits
 * will. Thread-safe; owns its pool.
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
    private static final int TIMEOUT_MILLIS = 1_000;

    private final JedisPooled jedis;
    private final HostAndPort address;
    private final JedisClientConfig clientConfig;

    /** Creates the pool; connections are opened lazily, so an absent Redis shows in {@link #ping()}. */
    public RedisConnection(URI url) {
        Objects.requireNonNull(url, "url");
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS)
                .ssl("rediss".equals(url.getScheme()));
        String info = url.getUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            if (colon > 0) {
                config.user(info.substring(0, colon));
            }
            config.password(colon < 0 ? info : info.substring(colon + 1));
        }
        this.address = new HostAndPort(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort());
        this.clientConfig = config.build();
        this.jedis = new JedisPooled(address, clientConfig);
    }

    /** Whether Redis answers PING within a second. Never throws. */
    public boolean ping() {
        try {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            log.atDebug().addKeyValue("error", e.toString()).log("redis ping failed");
            return false;
        }
    }

    /** The underlying client, for features that talk to Redis. */
    public JedisPooled client() {
        return jedis;
    }

    /**
     * A new connection of its own, outside the pool, for a subscriber (a subscribed connection
     * can do nothing else). The caller closes it.
     *
     * @throws redis.clients.jedis.exceptions.JedisConnectionException when Redis cannot be reached
     */
    public Jedis dedicated() {
        return new Jedis(address, clientConfig);
    }

    @Override
    public void close() {
        jedis.close();
    }
}
