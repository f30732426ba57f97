package io.samsa.partition;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A topic committed to the metadata but whose logs this broker has not opened yet is not advertised with a
 * leader: Metadata answers LEADER_NOT_AVAILABLE for its partitions (as a Kafka broker answers from the image it
 * applied), clients wait and retry, and CreateTopics answers only once the logs are open.
 */
class UnappliedPartitionTest {

    @AfterEach
    void resetHook() {
        PartitionManager.beforeApplyHook = image -> { };
    }

    @Test
    void metadataClaimsNoLeaderUntilTheLogIsOpenAndAProducerStillDeliversEveryRecord() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("auto.create.topics.enable", "false"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch stalled = new CountDownLatch(1);
            PartitionManager.beforeApplyHook = image -> {
                if (image.topic("late") != null && broker.broker().partitions().partition(new TopicPartition("late", 0)) == null) {
                    stalled.countDown();
                    try {
                        release.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            KafkaFuture<Void> created;
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
                try {
                    created = admin.createTopics(List.of(new NewTopic("late", 2, (short) 1))).all();
                    assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();

                    try (WireClient client = WireClient.connect(bootstrap)) {
                        MetadataResponse md = client.send(new MetadataRequest.Builder(List.of("late"), false));
                        MetadataResponse.TopicMetadata topic = md.topicMetadata().iterator().next();
                        assertThat(topic.error()).isEqualTo(Errors.NONE);
                        assertThat(topic.partitionMetadata()).hasSize(2).allSatisfy(p -> {
                            assertThat(p.error).isEqualTo(Errors.LEADER_NOT_AVAILABLE);
                            assertThat(p.leaderId).isEmpty();
                        });
                    }
                    for (int i = 0; i < 10; i++) {
                        sends.add(producer.send(new ProducerRecord<>("late", i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8))));
                    }
                    assertThat(created.isDone()).isFalse();
                } finally {
                    release.countDown();
                }
                created.get(30, TimeUnit.SECONDS);
                for (Future<RecordMetadata> send : sends) {
                    send.get(60, TimeUnit.SECONDS);
                }
            }
            assertThat(count(bootstrap, 10)).isEqualTo(10);
        }
    }

    private static int count(String bootstrap, int expected) {
        int seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
            List<TopicPartition> tps = List.of(new TopicPartition("late", 0), new TopicPartition("late", 1));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                }
            }
        }
        return seen;
    }
}
