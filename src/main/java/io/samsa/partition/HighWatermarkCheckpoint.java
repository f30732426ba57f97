package io.samsa.partition;

import io.samsa.log.CheckpointFile;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A log directory's {@code replication-offset-checkpoint}: the high watermark of each replicated partition in it,
 * in Kafka's layout (a version line {@code 0}, a count, then {@code topic partition offset} lines). Written every
 * {@code replica.high.watermark.checkpoint.interval.ms} and at shutdown, read at start-up, so that a restarted
 * leader does not hide committed records from consumers until its followers fetch again.
 */
final class HighWatermarkCheckpoint {
    private static final Logger log = LoggerFactory.getLogger(HighWatermarkCheckpoint.class);
    static final String FILE = "replication-offset-checkpoint";

    private HighWatermarkCheckpoint() {
    }

    static Map<TopicPartition, Long> read(Path logDir) {
        Map<TopicPartition, Long> marks = new HashMap<>();
        Path file = logDir.resolve(FILE);
        try {
            Optional<List<String>> lines = CheckpointFile.read(file);
            if (lines.isEmpty() || lines.get().size() < 2) {
                return marks;
            }
            for (String line : lines.get().subList(2, lines.get().size())) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 3) {
                    marks.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot read {}; high watermarks start at each log's start until followers fetch: {}", file, e.toString());
        }
        return marks;
    }

    static void write(Path logDir, Map<TopicPartition, Long> marks) throws IOException {
        List<String> lines = new ArrayList<>(marks.size() + 2);
        lines.add("0");
        lines.add(Integer.toString(marks.size()));
        marks.forEach((tp, offset) -> lines.add(tp.topic() + " " + tp.partition() + " " + offset));
        CheckpointFile.write(logDir.resolve(FILE), lines);
    }
}
