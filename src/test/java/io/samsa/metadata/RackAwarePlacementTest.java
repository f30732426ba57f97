package io.samsa.metadata;

import io.samsa.config.Endpoint;
import io.samsa.config.ServerConfig;
import io.samsa.metadata.MetadataRecord.BrokerFenceRecord;
import io.samsa.metadata.MetadataRecord.RegisterBrokerRecord;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** With broker.rack set, a partition's replicas go to different racks, as Kafka's rack-aware placement puts them. */
class RackAwarePlacementTest {
    @TempDir
    Path dir;

    private static List<MetadataRecord> register(int node, String rack) {
        return List.of(new RegisterBrokerRecord(node, Uuid.randomUuid(), node, List.of(new Endpoint("PLAINTEXT", "PLAINTEXT",
            "127.0.0.1", 9090 + node)), rack), new BrokerFenceRecord(node, node, false));
    }

    @Test
    void aPartitionsReplicasSpanAsManyRacksAsThereAre() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            List<MetadataRecord> records = new ArrayList<>();
            records.addAll(register(1, "a"));
            records.addAll(register(2, "a"));
            records.addAll(register(3, "b"));
            records.addAll(register(4, "b"));
            records.addAll(register(5, "c"));
            MetadataImage image = log.commit(records).get(10, TimeUnit.SECONDS);
            assertThat(Controller.rackAlternated(List.of(1, 2, 3, 4, 5), image)).containsExactly(1, 3, 5, 2, 4);

            Controller controller = new Controller(log, new ServerConfig(Map.of()), () -> Set.of(1, 2, 3, 4, 5),
                img -> CompletableFuture.completedFuture(null));
            try {
                Controller.CreateTopicResult created = controller.createTopic("racks", 10, (short) 3, Map.of(), Map.of(), false)
                    .get(10, TimeUnit.SECONDS);
                assertThat(created.error().isSuccess()).isTrue();
                Map<Integer, String> racks = Map.of(1, "a", 2, "a", 3, "b", 4, "b", 5, "c");
                for (TopicImage.PartitionImage p : created.topic().partitions()) {
                    Set<String> used = new HashSet<>();
                    p.replicas().forEach(r -> used.add(racks.get(r)));
                    assertThat(used).as("racks of partition %d's replicas %s", p.partition(), p.replicas()).hasSize(3);
                }
            } finally {
                controller.close();
            }
        }
    }

    @Test
    void withoutRacksTheOrderIsUnchanged() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            List<MetadataRecord> records = new ArrayList<>();
            records.addAll(register(1, null));
            records.addAll(register(2, null));
            MetadataImage image = log.commit(records).get(10, TimeUnit.SECONDS);
            assertThat(Controller.rackAlternated(List.of(2, 1), image)).containsExactly(2, 1);
        }
    }
}
