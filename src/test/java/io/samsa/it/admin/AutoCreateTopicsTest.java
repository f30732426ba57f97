package io.samsa.it.admin;

import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Metadata requests create unknown topics when the broker allows it and the client asks for it. */
class AutoCreateTopicsTest {

    private static KafkaProducer<String, String> producer(EmbeddedBroker broker, long maxBlockMs) {
        return new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs),
            new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedBroker broker, boolean allowAutoCreate) {
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, allowAutoCreate),
            new StringDeserializer(), new StringDeserializer());
    }

    private static Admin admin(EmbeddedBroker broker) {
        return Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()));
    }

    @Test
    void producerSendToUnknownTopicCreatesItWithNumPartitions() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.partitions", "3"));
             KafkaProducer<String, String> producer = producer(broker, 15_000);
             Admin admin = admin(broker)) {

            RecordMetadata metadata = producer.send(new ProducerRecord<>("auto-created", 2, "k", "v")).get();

            assertThat(metadata.partition()).isEqualTo(2);
            assertThat(metadata.offset()).isZero();
            TopicDescription description = admin.describeTopics(List.of("auto-created")).allTopicNames().get().get("auto-created");
            assertThat(description.partitions()).hasSize(3);
            assertThat(description.partitions().get(0).replicas()).hasSize(1);
        }
    }

    @Test
    void producerSendToUnknownTopicTimesOutWhenTheBrokerDisablesAutoCreation() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("auto.create.topics.enable", "false"));
             KafkaProducer<String, String> producer = producer(broker, 1_500);
             Admin admin = admin(broker)) {

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("not-auto-created", "k", "v")).get())
                .satisfiesAnyOf(
                    e -> assertThat(e).isInstanceOf(TimeoutException.class),
                    e -> assertThat(e).isInstanceOf(ExecutionException.class).cause().isInstanceOf(TimeoutException.class))
                .hasMessageContaining("not-auto-created")
                .hasMessageContaining("not present in metadata");

            assertThat(admin.listTopics().names().get()).doesNotContain("not-auto-created");
        }
    }

    @Test
    void consumerThatDisallowsAutoCreationDoesNotCreateTheTopic() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             KafkaConsumer<String, String> consumer = consumer(broker, false);
             Admin admin = admin(broker)) {

            List<PartitionInfo> partitions = consumer.partitionsFor("consumer-not-created", Duration.ofSeconds(10));

            assertThat(partitions).isEmpty();
            assertThat(admin.listTopics().names().get()).doesNotContain("consumer-not-created");
        }
    }

    @Test
    void consumerThatAllowsAutoCreationCreatesTheTopic() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             KafkaConsumer<String, String> consumer = consumer(broker, true);
             Admin admin = admin(broker)) {

            List<PartitionInfo> partitions = consumer.partitionsFor("consumer-created", Duration.ofSeconds(10));

            assertThat(partitions).hasSize(1);
            assertThat(admin.listTopics().names().get()).contains("consumer-created");
        }
    }

    @Test
    void metadataNeverAutoCreatesTheClusterMetadataTopic() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             KafkaConsumer<String, String> consumer = consumer(broker, true);
             Admin admin = admin(broker)) {

            assertThat(consumer.partitionsFor("__cluster_metadata", Duration.ofSeconds(10))).isEmpty();

            assertThat(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get()).isEmpty();
        }
    }

    @Test
    void metadataForAnIllegalTopicNameCreatesNothing() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
             KafkaProducer<String, String> producer = producer(broker, 1_500);
             Admin admin = admin(broker)) {

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("bad/topic", "k", "v")).get())
                .isInstanceOfAny(ExecutionException.class, org.apache.kafka.common.KafkaException.class);

            assertThat(admin.listTopics().names().get()).isEmpty();
        }
    }
}
