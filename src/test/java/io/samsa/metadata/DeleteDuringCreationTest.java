package io.samsa.metadata;

import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DeleteTopics looks the topic up on the controller thread, after the changes asked for before it: a deletion
 * sent while the topic's creation is still committing deletes the created topic instead of answering that it
 * does not exist, and the event loop answers other connections meanwhile.
 */
class DeleteDuringCreationTest {
    private static final long ANSWER_SECONDS = 10;

    @AfterEach
    void resetHook() {
        LocalMetadataLog.syncHook = file -> { };
    }

    @Test
    void aDeleteSentWhileTheCreationCommitsDeletesTheCreatedTopic() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.network.threads", "1"));
             Admin creator = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             Admin deleter = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            // Both clients have their connection before the stall.
            creator.listTopics().names().get(30, TimeUnit.SECONDS);
            deleter.listTopics().names().get(30, TimeUnit.SECONDS);
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
            KafkaFuture<Void> created;
            KafkaFuture<Void> deleted;
            try {
                created = creator.createTopics(List.of(new NewTopic("short-lived", 1, (short) 1))).all();
                assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
                deleted = deleter.deleteTopics(List.of("short-lived")).all();
                try (Admin other = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                    assertThat(other.describeCluster().nodes().get(ANSWER_SECONDS, TimeUnit.SECONDS)).hasSize(1);
                }
                assertThat(deleted.isDone()).isFalse();
            } finally {
                release.countDown();
            }
            created.get(30, TimeUnit.SECONDS);
            deleted.get(30, TimeUnit.SECONDS);
            assertThat(creator.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("short-lived");
        }
    }
}
