package io.samsa.it.cluster;

import io.samsa.testing.ClusterProcesses;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One three-node cluster: what it refuses. The last test leaves node 3 down. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIdentityTest {
    private static ClusterProcesses cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ClusterProcesses.builder().nodes(3).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aReplicationFactorAboveTheServingBrokersIsRefusedWithKafkasMessage() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("too-many", 1, (short) 4))).all()
                .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidReplicationFactorException.class)
                .hasMessageContaining("The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.");
            admin.createTopics(List.of(new NewTopic("three", 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void aNodeWhoseMetaPropertiesNamesAnotherClusterRefusesToStartNamingBothIds() throws Exception {
        String clusterId;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
        cluster.stop(3);
        Path meta = cluster.dataDir(3).resolve("meta.properties");
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(meta)) {
            props.load(reader);
        }
        assertThat(props.getProperty("cluster.id")).isEqualTo(clusterId);
        props.setProperty("cluster.id", "AnotherClusterXXXXXXXXw");
        try (Writer writer = Files.newBufferedWriter(meta)) {
            props.store(writer, null);
        }

        assertThatThrownBy(() -> cluster.restart(3)).isInstanceOf(IllegalStateException.class);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !cluster.isAlive(3));
        List<String> output = cluster.output(3);
        assertThat(output).anySatisfy(line -> assertThat(line)
            .startsWith("Samsa failed to start")
            .contains("AnotherClusterXXXXXXXXw")
            .contains(clusterId));
    }
}
