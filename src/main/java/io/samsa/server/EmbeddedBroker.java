package io.samsa.server;

import io.samsa.config.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Samsa broker inside the calling JVM, on an ephemeral loopback port with a temporary data directory
 * that is removed on {@link #close()}. For tests, Samsa's own and its users':
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.start()) {
 *     props.put("bootstrap.servers", broker.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Broker broker;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final Map<String, Object> settings;

    private EmbeddedBroker(Broker broker, Path dataDir, boolean ownsDataDir, Map<String, Object> settings) {
        this.broker = broker;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.settings = settings;
    }

    public static EmbeddedBroker start() {
        return start(Map.of());
    }

    /** Starts with these server.properties settings on top of the embedded defaults. */
    public static EmbeddedBroker start(Map<String, ?> overrides) {
        try {
            boolean owns = !overrides.containsKey(ServerConfig.LOG_DIRS) && !overrides.containsKey(ServerConfig.LOG_DIR);
            Path dir = owns ? Files.createTempDirectory("samsa-") : null;
            return startIn(dir, owns, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts on an existing data directory that outlives the broker (for restart tests). */
    public static EmbeddedBroker startOn(Path dataDir, Map<String, ?> overrides) {
        return startIn(dataDir, false, overrides);
    }

    private static EmbeddedBroker startIn(Path dataDir, boolean owns, Map<String, ?> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ServerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
        props.put("group.initial.rebalance.delay.ms", "0");
        if (dataDir != null) {
            props.put(ServerConfig.LOG_DIRS, dataDir.toString());
        }
        props.putAll(overrides);
        Broker broker = new Broker(new ServerConfig(props));
        try {
            broker.start();
        } catch (IOException e) {
            broker.close();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            broker.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting", e);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return new EmbeddedBroker(broker, dataDir, owns, props);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public int port() {
        return broker.boundEndpoints().get(0).port();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Broker broker() {
        return broker;
    }

    /** The settings it was started with, to start another broker on the same data. */
    public Map<String, Object> settings() {
        return settings;
    }

    @Override
    public void close() {
        broker.close();
        if (ownsDataDir && dataDir != null) {
            io.samsa.partition.PartitionManager.deleteDirectory(dataDir);
        }
    }
}
