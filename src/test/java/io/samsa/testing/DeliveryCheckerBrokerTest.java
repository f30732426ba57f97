package io.samsa.testing;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The delivery checker end to end: a real producer, consumer and broker process give a clean report. */
class DeliveryCheckerBrokerTest {
    private static final int RECORDS = 2_000;

    @Test
    void idempotentProducerAndAGroupConsumerOnOneBrokerGiveACleanReport(@TempDir Path dir) throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(dir, BrokerProcess.freePort())) {
            String bootstrap = broker.bootstrapServers();
            Clients.createTopic(bootstrap, "checked", 3, Map.of());

            DeliveryChecker.Acks acks = new DeliveryChecker.Acks();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                Map.of("acks", "all", "enable.idempotence", true, "linger.ms", 5, "batch.size", 4096))) {
                for (int seq = 0; seq < RECORDS; seq++) {
                    String value = DeliveryChecker.value("p1", seq);
                    producer.send(new ProducerRecord<>("checked", seq % 3, null, value.getBytes(StandardCharsets.UTF_8)), acks.callback(value));
                }
                producer.flush();
            }
            assertThat(acks.count()).isEqualTo(RECORDS);
            assertThat(acks.all()).extracting(DeliveryChecker.Ack::partition).contains(0, 1, 2);

            DeliveryChecker.Reads reads = new DeliveryChecker.Reads();
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap,
                Map.of("group.id", "checker", "auto.offset.reset", "earliest"))) {
                consumer.subscribe(List.of("checked"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (reads.count() < RECORDS && System.nanoTime() < deadline) {
                    reads.record("consumer-1", consumer.poll(Duration.ofMillis(200)));
                }
            }
            assertThat(reads.count()).isEqualTo(RECORDS);

            List<DeliveryChecker.Logged> log = DeliveryChecker.readFinalLog(bootstrap, "checked", Duration.ofSeconds(30));
            assertThat(log).hasSize(RECORDS);

            DeliveryChecker.check(acks.all(), reads.all(), log).assertClean();
        }
    }
}
