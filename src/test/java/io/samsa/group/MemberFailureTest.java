package io.samsa.group;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member killed with SIGKILL sends no LeaveGroup: the coordinator removes it when its session times out
 * and hands its partitions to the others, which resume at its last commit — nothing committed is read
 * again, nothing produced afterwards is lost.
 */
class MemberFailureTest {
    private static final int SESSION_TIMEOUT_MS = 6000;

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void killedMembersPartitionsMoveAfterItsSessionTimeoutAndResumeAtItsCommits(String protocol) throws Exception {
        String topic = "failover";
        String group = "survivors";
        // Classic members ask for their session timeout; consumer-protocol members get the broker's.
        try (EmbeddedBroker broker = EmbeddedBroker.start(Map.of("offsets.topic.num.partitions", "2",
                 "group.min.session.timeout.ms", "1000",
                 "group.consumer.min.session.timeout.ms", "1000",
                 "group.consumer.session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS),
                 "group.consumer.min.heartbeat.interval.ms", "500",
                 "group.consumer.heartbeat.interval.ms", "1000"));
             KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            Clients.createTopic(broker.bootstrapServers(), topic, 4, Map.of());
            ChildConsumer child = new ChildConsumer(broker.bootstrapServers(), group, topic, protocol);
            try (GroupConsumer survivor = new GroupConsumer(broker.bootstrapServers(), group, topic,
                     Map.of("session.timeout.ms", SESSION_TIMEOUT_MS, "heartbeat.interval.ms", 1000, "group.protocol", protocol))) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(child.assigned()).hasSize(2);
                    assertThat(survivor.assignment()).hasSize(2);
                });
                Set<Integer> childPartitions = child.assigned();

                send(producer, topic, "A", 200);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    for (int p : childPartitions) {
                        assertThat(child.committed(p)).as("child committed partition %d", p).isEqualTo(50);
                    }
                });
                child.kill();
                long killedAt = System.nanoTime();

                send(producer, topic, "B", 200);
                await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
                    assertThat(survivor.assignment()).hasSize(4);
                    assertThat(values(survivor.received(), "B")).hasSize(200);
                });
                long tookOverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                assertThat(tookOverMs).as("takeover waits for the session timeout").isGreaterThanOrEqualTo(SESSION_TIMEOUT_MS - 1000);

                List<ConsumerRecord<byte[], byte[]>> fromChildPartitions = survivor.received().stream()
                    .filter(r -> childPartitions.contains(r.partition())).toList();
                assertThat(fromChildPartitions).as("records the dead member committed are not read again")
                    .allSatisfy(r -> assertThat(r.offset()).isGreaterThanOrEqualTo(50));
                assertThat(values(survivor.received(), "B")).as("records produced after the kill are all read once")
                    .hasSize(200).doesNotHaveDuplicates();
            } finally {
                child.kill();
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String batch, int count) {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, i % 4, null, (batch + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records, String batch) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).filter(v -> v.startsWith(batch)).toList();
    }

    /** {@link CommittingConsumerMain} in a child JVM on the test classpath. */
    private static final class ChildConsumer {
        private final Process process;
        private final List<String> output = new CopyOnWriteArrayList<>();
        private final Map<Integer, Long> committed = new ConcurrentHashMap<>();
        private volatile Set<Integer> assigned = Set.of();

        ChildConsumer(String bootstrap, String group, String topic, String protocol) throws IOException {
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), CommittingConsumerMain.class.getName(),
                bootstrap, group, topic, String.valueOf(SESSION_TIMEOUT_MS), protocol).redirectErrorStream(true).start();
            Thread reader = new Thread(this::read, "child-consumer-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.add(line);
                    if (line.startsWith("ASSIGNED ")) {
                        String list = line.substring("ASSIGNED ".length()).replaceAll("[\\[\\] ]", "");
                        assigned = list.isEmpty() ? Set.of()
                            : java.util.Arrays.stream(list.split(",")).map(Integer::parseInt).collect(Collectors.toSet());
                    } else if (line.startsWith("COMMITTED ")) {
                        String[] parts = line.split(" ");
                        committed.put(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }

        Set<Integer> assigned() {
            return new HashSet<>(assigned);
        }

        long committed(int partition) {
            return committed.getOrDefault(partition, -1L);
        }

        /** SIGKILL: the member sends no LeaveGroup and no further heartbeat. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
