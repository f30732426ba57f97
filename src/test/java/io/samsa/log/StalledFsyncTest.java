package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One partition's fsync hangs (a disk stall, simulated by {@link Fsync#hook}) while the broker keeps
 * answering everyone else: the fsync runs on a flusher thread without the log's lock, not on the
 * network thread that took the produce. One network thread, so a blocked event loop would stall
 * every connection.
 */
class StalledFsyncTest {

    private static final long ANSWER_SECONDS = 10;

    @AfterEach
    void removeHook() {
        Fsync.hook = Fsync.NONE;
    }

    @Test
    void otherConnectionsAndPartitionsAreServedWhileOnePartitionsFsyncIsStalled() throws Exception {
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.network.threads", "1"))) {
            String bootstrap = broker.bootstrapServers();
            Map<String, String> flushEachRecord = Map.of("flush.messages", "1");
            Clients.createTopic(bootstrap, "stalled", 1, flushEachRecord);
            Clients.createTopic(bootstrap, "other", 1, flushEachRecord);
            try (KafkaProducer<byte[], byte[]> stalledProducer = Clients.producer(bootstrap, Map.of("linger.ms", 0));
                 KafkaProducer<byte[], byte[]> otherProducer = Clients.producer(bootstrap, Map.of("linger.ms", 0));
                 Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
                 KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap, Map.of())) {
                stalledProducer.send(new ProducerRecord<>("stalled", 0, null, "before".getBytes()))
                    .get(ANSWER_SECONDS, TimeUnit.SECONDS);
                otherProducer.send(new ProducerRecord<>("other", 0, null, "warm-up".getBytes()))
                    .get(ANSWER_SECONDS, TimeUnit.SECONDS);

                Fsync.hook = path -> stallIfIn(path, "stalled-0", stalled, release);
                Future<RecordMetadata> waiting =
                    stalledProducer.send(new ProducerRecord<>("stalled", 0, null, "during".getBytes()));
                assertThat(stalled.await(ANSWER_SECONDS, TimeUnit.SECONDS)).as("the fsync of stalled-0 began").isTrue();

                RecordMetadata other = otherProducer.send(new ProducerRecord<>("other", 0, null, "x".getBytes()))
                    .get(ANSWER_SECONDS, TimeUnit.SECONDS);
                assertThat(other.offset()).isEqualTo(1);
                assertThat(admin.describeTopics(List.of("stalled", "other")).allTopicNames()
                    .get(ANSWER_SECONDS, TimeUnit.SECONDS)).hasSize(2);
                TopicPartition stalledTp = new TopicPartition("stalled", 0);
                assertThat(admin.listOffsets(Map.of(stalledTp, OffsetSpec.latest())).partitionResult(stalledTp)
                    .get(ANSWER_SECONDS, TimeUnit.SECONDS).offset())
                    .as("the stalled record is in the log, only its fsync waits").isEqualTo(2);
                consumer.assign(List.of(new TopicPartition("other", 0), stalledTp));
                consumer.seekToBeginning(consumer.assignment());
                List<String> fetched = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_SECONDS);
                while (fetched.size() < 4 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        fetched.add(r.topic() + ":" + new String(r.value()));
                    }
                }
                assertThat(fetched).containsExactlyInAnyOrder("other:warm-up", "other:x", "stalled:before",
                    "stalled:during");
                assertThat(waiting).as("the produce waits for its fsync (flush.messages=1)").isNotDone();

                release.countDown();
                assertThat(waiting.get(ANSWER_SECONDS, TimeUnit.SECONDS).offset()).isEqualTo(1);
            } finally {
                release.countDown();
            }
        }
    }

    private static void stallIfIn(Path path, String partitionDir, CountDownLatch stalled, CountDownLatch release)
        throws IOException {
        if (!path.toString().contains(partitionDir)) {
            return;
        }
        stalled.countDown();
        try {
            // Bounded, so that on a broker that blocks its event loop the test fails instead of hanging.
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
