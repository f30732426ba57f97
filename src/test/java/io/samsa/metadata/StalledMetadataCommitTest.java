package io.samsa.metadata;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A metadata commit whose fsync hangs delays only the request that asked for it: the event loop keeps serving
 * every other connection (one network thread, so on the old code it would have been stuck behind the commit).
 */
class StalledMetadataCommitTest {
    private static final long ANSWER_SECONDS = 10;

    @AfterEach
    void resetHook() {
        LocalMetadataLog.syncHook = file -> { };
    }

    @Test
    void aCreateTopicsWaitingOnItsFsyncDoesNotStopOtherConnections() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.network.threads", "1"))) {
            String bootstrap = broker.bootstrapServers();
            Clients.createTopic(bootstrap, "existing", 1, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of());
                 Admin creator = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                // The first send reserves the producer's id (a metadata commit of its own) before the stall.
                producer.send(new ProducerRecord<>("existing", "before".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);

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
                CreateTopicsResult pending;
                try {
                    pending = creator.createTopics(List.of(new NewTopic("stalled", 2, (short) 1)));
                    assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();

                    // Metadata and ApiVersions from a new connection.
                    try (Admin other = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                        assertThat(other.listTopics().names().get(ANSWER_SECONDS, TimeUnit.SECONDS)).contains("existing");
                    }
                    // Produce and fetch on an existing topic.
                    assertThat(producer.send(new ProducerRecord<>("existing", "during".getBytes(StandardCharsets.UTF_8)))
                        .get(ANSWER_SECONDS, TimeUnit.SECONDS).offset()).isEqualTo(1);
                    assertThat(values(bootstrap, "existing", 2)).containsExactly("before", "during");

                    assertThat(pending.all().isDone()).isFalse();
                } finally {
                    release.countDown();
                }
                pending.all().get(30, TimeUnit.SECONDS);
                assertThat(producer.send(new ProducerRecord<>("stalled", 1, null, "after".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS).offset()).isZero();
            }
        }
    }

    @Test
    void aCommitThatFailsAnswersCreateTopicsWithAStorageErrorAndTheBrokerKeepsServing() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.network.threads", "1"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            LocalMetadataLog.syncHook = file -> {
                if (file.startsWith(broker.dataDir())) {
                    throw new java.io.IOException("simulated disk failure");
                }
            };
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("doomed", 1, (short) 1))).all()
                .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(KafkaStorageException.class);
            assertThat(admin.listTopics().names().get(ANSWER_SECONDS, TimeUnit.SECONDS)).doesNotContain("doomed");
        }
    }

    private static List<String> values(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_SECONDS);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
