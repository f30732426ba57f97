package io.samsa.it.admin;

import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** server.properties settings that decide what CreateTopics and DeleteTopics do. */
class BrokerTopicSettingsTest {

    private static Admin admin(EmbeddedBroker broker) {
        return Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()));
    }

    @Test
    void deleteTopicsFailsWhenTheBrokerDisablesDeletion() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("delete.topic.enable", "false")); Admin admin = admin(broker)) {
            admin.createTopics(List.of(new NewTopic("undeletable", 1, (short) 1))).all().get();

            assertThatThrownBy(() -> admin.deleteTopics(List.of("undeletable")).all().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TopicDeletionDisabledException.class);
            assertThat(admin.listTopics().names().get()).contains("undeletable");
        }
    }

    @Test
    void createTopicsWithoutCountsUsesNumPartitionsAndDefaultReplicationFactor() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("num.partitions", "4")); Admin admin = admin(broker)) {
            CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("defaulted", Optional.empty(), Optional.empty())));

            assertThat(result.numPartitions("defaulted").get()).isEqualTo(4);
            assertThat(result.replicationFactor("defaulted").get()).isEqualTo(1);
        }
    }

    @Test
    void aDefaultReplicationFactorAboveTheBrokerCountFailsTopicsThatRelyOnIt() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("default.replication.factor", "3")); Admin admin = admin(broker)) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("needs-three", Optional.of(1), Optional.empty()))).all().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidReplicationFactorException.class);

            admin.createTopics(List.of(new NewTopic("explicit-one", 1, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).containsExactly("explicit-one");
        }
    }
}
