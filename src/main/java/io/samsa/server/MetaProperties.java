package io.samsa.server;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * {@code meta.properties} in a log dir, as Kafka keeps it: the cluster id and node id the directory
 * belongs to, so data is never mixed up between clusters or nodes.
 */
public record MetaProperties(String clusterId, int nodeId) {
    static final String FILE = "meta.properties";

    /** The dir's identity if it has one; rejects a directory of another node. */
    public static java.util.Optional<MetaProperties> load(Path dir, int nodeId) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        }
        int storedNode = Integer.parseInt(props.getProperty("node.id", String.valueOf(nodeId)));
        if (storedNode != nodeId) {
            throw new IllegalStateException("Log dir " + dir + " belongs to node.id " + storedNode
                + ", but this broker is node.id " + nodeId);
        }
        return java.util.Optional.of(new MetaProperties(props.getProperty("cluster.id"), storedNode));
    }

    /** Reads the dir's identity, creating it for a new directory; rejects a directory of another node. */
    public static MetaProperties loadOrCreate(Path dir, int nodeId, String configuredClusterId) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                props.load(reader);
            }
            String clusterId = props.getProperty("cluster.id");
            int storedNode = Integer.parseInt(props.getProperty("node.id", String.valueOf(nodeId)));
            if (storedNode != nodeId) {
                throw new IllegalStateException("Log dir " + dir + " belongs to node.id " + storedNode
                    + ", but this broker is node.id " + nodeId);
            }
            if (configuredClusterId != null && !configuredClusterId.equals(clusterId)) {
                throw new IllegalStateException("Log dir " + dir + " belongs to cluster " + clusterId
                    + ", but cluster.id is set to " + configuredClusterId);
            }
            return new MetaProperties(clusterId, storedNode);
        }
        String clusterId = configuredClusterId != null ? configuredClusterId : Uuid.randomUuid().toString();
        Properties props = new Properties();
        props.setProperty("version", "1");
        props.setProperty("cluster.id", clusterId);
        props.setProperty("node.id", String.valueOf(nodeId));
        Path tmp = dir.resolve(FILE + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp)) {
            props.store(writer, "Samsa log directory identity");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new MetaProperties(clusterId, nodeId);
    }
}
