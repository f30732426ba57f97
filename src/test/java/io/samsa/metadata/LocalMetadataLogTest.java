package io.samsa.metadata;

import io.samsa.metadata.MetadataRecord.ConfigRecord;
import io.samsa.metadata.MetadataRecord.PartitionRecord;
import io.samsa.metadata.MetadataRecord.ProducerIdsRecord;
import io.samsa.metadata.MetadataRecord.RemoveTopicRecord;
import io.samsa.metadata.MetadataRecord.ResourceType;
import io.samsa.metadata.MetadataRecord.TopicRecord;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalMetadataLogTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("metadata.log");
    }

    private static List<MetadataRecord> topic(String name, Uuid id, int partitions) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(new PartitionRecord(id, p, List.of(1), List.of(1), 1, 0));
        }
        return records;
    }

    private void append(byte[] bytes) throws IOException {
        Files.write(file(), bytes, StandardOpenOption.APPEND);
    }

    @Test
    void committedRecordsSurviveReopen() throws Exception {
        Uuid orders = Uuid.randomUuid();
        Uuid gone = Uuid.randomUuid();
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("orders", orders, 3)).join();
            log.commit(List.of(new ConfigRecord(ResourceType.TOPIC, "orders", "retention.ms", "1000"),
                new ConfigRecord(ResourceType.BROKER, "", "log.retention.ms", "5000"))).join();
            log.commit(topic("gone", gone, 1)).join();
            log.commit(List.of(new RemoveTopicRecord(gone))).join();
            log.commit(List.of(new ProducerIdsRecord(2000))).join();
        }

        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            MetadataImage image = log.image();
            assertThat(image.topics()).extracting(TopicImage::name).containsExactly("orders");
            TopicImage topic = image.topic("orders");
            assertThat(topic.topicId()).isEqualTo(orders);
            assertThat(topic.partitionCount()).isEqualTo(3);
            assertThat(topic.configs()).isEqualTo(Map.of("retention.ms", "1000"));
            assertThat(image.brokerConfigs("")).isEqualTo(Map.of("log.retention.ms", "5000"));
            assertThat(image.topic(gone)).isNull();
            assertThat(image.nextProducerId()).isEqualTo(2000);
        }
    }

    @Test
    void garbageAfterTheLastBatchIsCutAndEarlierRecordsSurvive() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("first", Uuid.randomUuid(), 1)).join();
            log.commit(topic("second", Uuid.randomUuid(), 2)).join();
        }
        long goodSize = Files.size(file());
        append(new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 5, 6, 7});

        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(log.image().topics()).extracting(TopicImage::name).containsExactly("first", "second");
            assertThat(log.image().topic("second").partitionCount()).isEqualTo(2);
        }
        assertThat(Files.size(file())).isEqualTo(goodSize);
    }

    @Test
    void aBatchCutShortByACrashIsDroppedAndLaterCommitsAreKept() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("before-crash", Uuid.randomUuid(), 1)).join();
        }
        long goodSize = Files.size(file());
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("torn", Uuid.randomUuid(), 4)).join();
        }
        byte[] all = Files.readAllBytes(file());
        int tornLength = all.length - (int) goodSize;
        Files.write(file(), java.util.Arrays.copyOf(all, (int) goodSize + tornLength / 2));

        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(log.image().topics()).extracting(TopicImage::name).containsExactly("before-crash");
            log.commit(topic("after-crash", Uuid.randomUuid(), 1)).join();
        }
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(log.image().topics()).extracting(TopicImage::name).containsExactly("after-crash", "before-crash");
        }
    }

    @Test
    void aLastBatchWithABadChecksumIsDropped() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("intact", Uuid.randomUuid(), 1)).join();
        }
        long goodSize = Files.size(file());
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("corrupt", Uuid.randomUuid(), 1)).join();
        }
        byte[] all = Files.readAllBytes(file());
        all[all.length - 1] ^= 0x5A;
        Files.write(file(), all);

        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(log.image().topics()).extracting(TopicImage::name).containsExactly("intact");
        }
        assertThat(Files.size(file())).isEqualTo(goodSize);
    }

    @Test
    void aNegativeLengthAtTheTailIsCut() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("kept", Uuid.randomUuid(), 1)).join();
        }
        append(ByteBuffer.allocate(12).putInt(-5).putInt(0).putInt(0).array());

        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(log.image().topics()).extracting(TopicImage::name).containsExactly("kept");
        }
    }

    /**
     * A batch whose checksum is right was written whole: if it cannot be decoded (a record type from a newer
     * version, say) it is not a torn tail, and cutting it would silently lose every later topic.
     */
    @Test
    void anIntactBatchThatCannotBeDecodedStopsTheOpenInsteadOfBeingCut() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("older", Uuid.randomUuid(), 1)).join();
        }
        byte[] unknownRecord = {99, 1, 2, 3};
        ByteBuffer body = ByteBuffer.allocate(4 + unknownRecord.length).putInt(unknownRecord.length).put(unknownRecord);
        body.flip();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.duplicate());
        append(ByteBuffer.allocate(8 + body.remaining()).putInt(body.remaining()).putInt((int) crc.getValue()).put(body).array());
        long size = Files.size(file());

        assertThatThrownBy(() -> LocalMetadataLog.open(dir))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("metadata.log");
        assertThat(Files.size(file())).isEqualTo(size);
    }

    @Test
    void listenersSeeEachCommitWithTheImagesAroundIt() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            List<String> seen = new ArrayList<>();
            log.addListener((before, after, records) ->
                seen.add(before.topics().size() + "->" + after.topics().size() + ":" + records.size()));

            log.commit(topic("a", Uuid.randomUuid(), 2)).join();
            log.commit(List.of()).join();

            assertThat(seen).containsExactly("0->1:3");
        }
    }

    @Test
    void anEmptyFileOpensAsAnEmptyImage() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(log.image().topics()).isEmpty();
            assertThat(log.image().nextProducerId()).isZero();
        }
        assertThat(file()).exists();
    }
}
