package io.samsa.it.robust;

import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request must not make the broker build millions of partitions: like Kafka (KAFKA-17870, KAFKA-19673),
 * more than 10,000 new partitions in a request is a POLICY_VIOLATION.
 */
class OversizedAdminRequestTest {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @ParameterizedTest(name = "validateOnly={0}")
    @ValueSource(booleans = {true, false})
    void createTopicWithMoreThanTenThousandPartitionsIsAPolicyViolation(boolean validateOnly) throws Exception {
        for (int partitions : new int[]{10_001, 1 << 24, Integer.MAX_VALUE}) {
            assertThat(createTopic("huge-" + partitions, partitions, validateOnly)).isEqualTo(Errors.POLICY_VIOLATION);
        }
        assertThat(createTopic("fine-" + validateOnly, 3, validateOnly)).isEqualTo(Errors.NONE);
    }

    @Test
    void createPartitionsAddingMoreThanTenThousandIsAPolicyViolation() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.createTopic("grows", 1, Map.of());
            assertThat(createPartitions(connection, "grows", Integer.MAX_VALUE)).isEqualTo(Errors.POLICY_VIOLATION);
            assertThat(createPartitions(connection, "grows", 10_002)).isEqualTo(Errors.POLICY_VIOLATION);
            assertThat(createPartitions(connection, "grows", 4)).isEqualTo(Errors.NONE);
        }
    }

    private static Errors createTopic(String name, int partitions, boolean validateOnly) throws IOException {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(10_000).setValidateOnly(validateOnly);
            create.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) 1));
            connection.sendFrame(RawConnection.frame(ApiKeys.CREATE_TOPICS, create, (short) 7, 1));
            CreateTopicsResponseData response = ((CreateTopicsResponse) connection.receive(ApiKeys.CREATE_TOPICS, (short) 7).body()).data();
            return Errors.forCode(response.topics().find(name).errorCode());
        }
    }

    private static Errors createPartitions(RawConnection connection, String topic, int count) throws IOException {
        CreatePartitionsRequestData request = new CreatePartitionsRequestData().setTimeoutMs(10_000);
        request.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(topic).setCount(count).setAssignments(null));
        connection.sendFrame(RawConnection.frame(ApiKeys.CREATE_PARTITIONS, request, (short) 3, 2));
        CreatePartitionsResponseData response = ((CreatePartitionsResponse) connection.receive(ApiKeys.CREATE_PARTITIONS, (short) 3).body()).data();
        return Errors.forCode(response.results().get(0).errorCode());
    }
}
