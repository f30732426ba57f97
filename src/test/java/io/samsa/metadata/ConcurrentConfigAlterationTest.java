package io.samsa.metadata;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * APPEND and SUBTRACT are resolved where the change is decided, on the controller thread: an alteration sent
 * while another one of the same list is still committing starts from that one's result, not from the value the
 * event loop saw, and the event loop keeps answering other connections meanwhile.
 */
class ConcurrentConfigAlterationTest {
    private static final long ANSWER_SECONDS = 10;

    @AfterEach
    void resetHook() {
        LocalMetadataLog.syncHook = file -> { };
    }

    @Test
    void aSubtractSentWhileAnAppendCommitsStartsFromTheAppendedList() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.network.threads", "1"))) {
            String bootstrap = broker.bootstrapServers();
            Clients.createTopic(bootstrap, "policies", 1, Map.of("cleanup.policy", "compact"));
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "policies");
            try (Admin appender = Admin.create(Map.of("bootstrap.servers", bootstrap));
                 Admin subtracter = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch stalled = new CountDownLatch(1);
                LocalMetadataLog.syncHook = file -> {
                    if (file.startsWith(broker.dataDir())) {
                        stalled.countDown();
                        try {
                            release.await(120, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                };
                KafkaFuture<Void> append;
                KafkaFuture<Void> subtract;
                try {
                    append = appender.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                        new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.APPEND)))).all();
                    assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
                    subtract = subtracter.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                        new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SUBTRACT)))).all();

                    // Another connection's Metadata and ApiVersions are answered while both wait on the commit.
                    try (Admin other = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                        assertThat(other.listTopics().names().get(ANSWER_SECONDS, TimeUnit.SECONDS)).contains("policies");
                    }
                    assertThat(append.isDone()).isFalse();
                } finally {
                    release.countDown();
                }
                append.get(30, TimeUnit.SECONDS);
                subtract.get(30, TimeUnit.SECONDS);
                String policy = appender.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS)
                    .get(topic).get("cleanup.policy").value();
                assertThat(policy).isEqualTo("delete");
            }
        }
    }
}
