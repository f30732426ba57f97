package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer subscribing with a regex that a backtracking matcher takes exponential time for does not stop
 * the broker: with one network thread, other groups keep being served, and the regex member gets its
 * assignment (RE2/J matches in linear time).
 */
class PathologicalRegexSubscriptionTest {

    @Test
    void aPathologicalRegexSubscriptionDoesNotStopTheBrokerServingOtherGroups() throws Exception {
        Map<String, Object> settings = new HashMap<>(ConsumerProtocolTest.BROKER_SETTINGS);
        // One event loop for every connection: a heartbeat stuck matching would stall all clients.
        settings.put("num.network.threads", "1");
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            String bootstrap = broker.bootstrapServers();
            for (int length = 60; length < 65; length++) {
                Clients.createTopic(bootstrap, "a".repeat(length), 1, Map.of());
            }
            Clients.createTopic(bootstrap, "aaab", 2, Map.of());
            Clients.createTopic(bootstrap, "orders", 2, Map.of());

            try (KafkaConsumer<byte[], byte[]> regexMember = Clients.consumer(bootstrap, Map.of(
                     "group.id", "regex-readers", "group.protocol", "consumer", "auto.offset.reset", "earliest"));
                 GroupConsumer classic = new GroupConsumer(bootstrap, "classic-bystanders", "orders", Map.of());
                 GroupConsumer consumerProtocol = new GroupConsumer(bootstrap, "consumer-bystanders", "orders",
                     Map.of("group.protocol", "consumer"));
                 Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                regexMember.subscribe(new SubscriptionPattern("(a+)+b"));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    regexMember.poll(Duration.ofMillis(100));
                    assertThat(regexMember.assignment()).containsExactlyInAnyOrder(
                        new TopicPartition("aaab", 0), new TopicPartition("aaab", 1));
                });
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(classic.failure()).isNull();
                    assertThat(consumerProtocol.failure()).isNull();
                    assertThat(classic.assignment()).hasSize(2);
                    assertThat(consumerProtocol.assignment()).hasSize(2);
                });
                TopicPartition aaab0 = new TopicPartition("aaab", 0);
                regexMember.commitSync(Map.of(aaab0, new OffsetAndMetadata(0)));
                assertThat(admin.listConsumerGroupOffsets("regex-readers").partitionsToOffsetAndMetadata().get()
                    .get(aaab0).offset()).isZero();
                assertThat(admin.listGroups().all().get()).extracting(g -> g.groupId())
                    .contains("regex-readers", "classic-bystanders", "consumer-bystanders");
            }
        }
    }
}
