package io.samsa.metadata;

import io.samsa.metadata.MetadataRecord.PartitionRecord;
import io.samsa.metadata.MetadataRecord.TopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LocalMetadataLog.commit returns at once; the batches become durable and visible in call order, or fail. */
class LocalMetadataLogAsyncCommitTest {
    @TempDir
    Path dir;

    @AfterEach
    void resetHook() {
        LocalMetadataLog.syncHook = file -> { };
    }

    private static List<MetadataRecord> topic(String name) {
        Uuid id = Uuid.randomUuid();
        return List.of(new TopicRecord(name, id), new PartitionRecord(id, 0, List.of(1), List.of(1), 1, 0));
    }

    @Test
    void commitReturnsBeforeTheFsyncAndBatchesApplyInCallOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LocalMetadataLog.syncHook = file -> {
            if (file.startsWith(dir)) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            List<String> seen = new ArrayList<>();
            log.addListener((before, after, records) -> seen.add(((TopicRecord) records.get(0)).name()));
            List<CompletableFuture<MetadataImage>> commits = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d")) {
                commits.add(log.commit(topic(name)));
            }

            assertThat(commits).noneMatch(CompletableFuture::isDone);
            assertThat(log.image().topics()).isEmpty();

            release.countDown();
            for (int i = 0; i < commits.size(); i++) {
                assertThat(commits.get(i).get(30, TimeUnit.SECONDS).topics()).hasSize(i + 1);
            }
            assertThat(seen).containsExactly("a", "b", "c", "d");
        }
        try (LocalMetadataLog reopened = LocalMetadataLog.open(dir)) {
            assertThat(reopened.image().topics()).extracting(TopicImage::name).containsExactly("a", "b", "c", "d");
        }
    }

    @Test
    void aFailedFsyncFailsTheCommitAndEveryLaterOneAndLeavesTheImage() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.commit(topic("durable")).join();
            LocalMetadataLog.syncHook = file -> {
                throw new IOException("disk on fire");
            };
            CompletableFuture<MetadataImage> failed = log.commit(topic("lost"));
            assertThatThrownBy(() -> failed.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(KafkaStorageException.class)
                .hasMessageContaining("disk on fire");

            LocalMetadataLog.syncHook = file -> { };
            CompletableFuture<MetadataImage> later = log.commit(topic("later"));
            assertThatThrownBy(() -> later.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(KafkaStorageException.class);
            assertThat(log.image().topics()).extracting(TopicImage::name).containsExactly("durable");
        }
    }

    @Test
    void recordsThatContradictTheImageFailTheirCommitOnly() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            CompletableFuture<MetadataImage> bad = log.commit(List.of(
                new PartitionRecord(Uuid.randomUuid(), 0, List.of(1), List.of(1), 1, 0)));
            assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(log.commit(topic("fine")).get(30, TimeUnit.SECONDS).topic("fine")).isNotNull();
        }
    }
}
