package io.samsa.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.samsa.log.Log;
import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import io.samsa.testing.WireClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.Test;

/**
 * ListOffsets and OffsetForLeaderEpoch answer with the leader epoch of the batch that holds the offset, which
 * after a leader change differs from the current epoch. The partition's epoch is raised through the broker's
 * own log, standing in for the leader elections a cluster would hold.
 */
class ListOffsetsLeaderEpochTest {
    private static final TopicPartition TP = new TopicPartition("epochs", 0);

    private static void send(KafkaProducer<byte[], byte[]> producer, long timestamp) throws Exception {
        producer.send(new ProducerRecord<>(TP.topic(), 0, timestamp, null, Long.toString(timestamp).getBytes()))
            .get(30, TimeUnit.SECONDS);
    }

    @Test
    void offsetsAnswerWithTheEpochOfTheirBatchAndLatestWithTheCurrentEpoch() throws Exception {
        long t = System.currentTimeMillis() - 60_000;
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            Clients.createTopic(bootstrap, TP.topic(), 1, Map.of());
            Log log = broker.broker().partitions().partition(TP).log();
            assertThat(log.leaderEpoch()).isZero();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of("linger.ms", 0));
                 Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                send(producer, t);          // offset 0, epoch 0
                send(producer, t + 10);     // offset 1, epoch 0
                send(producer, t + 100);    // offset 2, epoch 0
                assertThat(log.updateLeaderEpoch(3)).isTrue();
                send(producer, t + 200);    // offset 3, epoch 3
                send(producer, t + 250);    // offset 4, epoch 3
                assertThat(log.updateLeaderEpoch(5)).isTrue();

                assertThat(listOffsets(admin, OffsetSpec.earliest())).satisfies(r -> offsetAndEpoch(r, 0, 0));
                assertThat(listOffsets(admin, OffsetSpec.latest())).satisfies(r -> offsetAndEpoch(r, 5, 5));
                assertThat(listOffsets(admin, OffsetSpec.forTimestamp(t + 5))).satisfies(r -> offsetAndEpoch(r, 1, 0));
                assertThat(listOffsets(admin, OffsetSpec.forTimestamp(t + 150))).satisfies(r -> offsetAndEpoch(r, 3, 3));
                assertThat(listOffsets(admin, OffsetSpec.maxTimestamp())).satisfies(r -> {
                    offsetAndEpoch(r, 4, 3);
                    assertThat(r.timestamp()).isEqualTo(t + 250);
                });

                try (WireClient wire = WireClient.connect(bootstrap)) {
                    assertThat(endOffsetFor(wire, 0)).satisfies(e -> {
                        assertThat(e.errorCode()).isEqualTo(Errors.NONE.code());
                        assertThat(e.leaderEpoch()).isZero();
                        assertThat(e.endOffset()).as("where epoch 3 begins").isEqualTo(3);
                    });
                    assertThat(endOffsetFor(wire, 3)).satisfies(e -> {
                        assertThat(e.leaderEpoch()).isEqualTo(3);
                        assertThat(e.endOffset()).as("where epoch 5 begins").isEqualTo(5);
                    });
                }
            }
        }
    }

    private static ListOffsetsResultInfo listOffsets(Admin admin, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(TP, spec)).partitionResult(TP).get(30, TimeUnit.SECONDS);
    }

    private static void offsetAndEpoch(ListOffsetsResultInfo result, long offset, int epoch) {
        assertThat(result.offset()).isEqualTo(offset);
        assertThat(result.leaderEpoch()).isEqualTo(Optional.of(epoch));
    }

    private static EpochEndOffset endOffsetFor(WireClient wire, int epoch) {
        OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        OffsetForLeaderTopic topic = new OffsetForLeaderTopic().setTopic(TP.topic());
        topic.partitions().add(new OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(epoch)
            .setCurrentLeaderEpoch(-1));
        request.topics().add(topic);
        OffsetsForLeaderEpochResponse response = (OffsetsForLeaderEpochResponse) wire.sendData(
            ApiKeys.OFFSET_FOR_LEADER_EPOCH, (short) 4, request);
        return response.data().topics().find(TP.topic()).partitions().get(0);
    }
}
