package io.samsa.network;

import io.samsa.it.robust.RawConnection;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** connections.max.idle.ms: a connection with no traffic is closed by the broker; a busy one is not. */
class IdleConnectionTest {
    private static final long IDLE_MS = 300;
    /**
     * The close must not come early; how late it may come is only a sanity bound, far below Kafka's default of ten
     * minutes, since a loaded 2-core machine can delay the idle timer and the test's own thread by seconds.
     */
    private static final long MUCH_LONGER_THAN_IDLE_MS = 20_000;
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(Map.of("connections.max.idle.ms", String.valueOf(IDLE_MS)));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void silentConnectionIsClosedAfterTheIdleTime() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            long start = System.nanoTime();
            assertThat(connection.closedByPeerWithin(Duration.ofSeconds(30))).isTrue();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).isBetween(IDLE_MS - 50, MUCH_LONGER_THAN_IDLE_MS);
        }
    }

    @Test
    void connectionThatStopsTalkingIsClosedAfterTheIdleTime() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.roundTrip(new ApiVersionsRequest.Builder().build((short) 3), 1);
            long start = System.nanoTime();
            assertThat(connection.closedByPeerWithin(Duration.ofSeconds(30))).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(IDLE_MS - 50, MUCH_LONGER_THAN_IDLE_MS);
        }
    }

    @Test
    void connectionWaitingForALongPollFetchIsNotIdle() throws Exception {
        int maxWaitMs = (int) (3 * IDLE_MS);
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.createTopic("idle-long-poll", 1, Map.of());
            FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(maxWaitMs).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionEpoch(-1);
            fetch.topics().add(new FetchRequestData.FetchTopic().setTopic("idle-long-poll").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));
            long start = System.nanoTime();
            connection.sendFrame(RawConnection.frame(ApiKeys.FETCH, fetch, (short) 12, 5));
            RawConnection.Reply reply = connection.receive(ApiKeys.FETCH, (short) 12);
            assertThat(reply.correlationId()).isEqualTo(5);
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(maxWaitMs - 50);
            assertThat(((FetchResponse) reply.body()).data().errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void connectionInUseStaysOpenLongerThanTheIdleTime() throws Exception {
        try (RawConnection connection = RawConnection.open(broker.port())) {
            AtomicInteger answered = new AtomicInteger();
            long start = System.nanoTime();
            // A request every 100 ms for about a second: over three idle periods in all, none of them idle.
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10))
                .until(() -> {
                    connection.roundTrip(new ApiVersionsRequest.Builder().build((short) 3), answered.incrementAndGet());
                    return (System.nanoTime() - start) / 1_000_000 >= 3 * IDLE_MS;
                });
            assertThat(answered.get()).isGreaterThan(3);
        }
    }
}
