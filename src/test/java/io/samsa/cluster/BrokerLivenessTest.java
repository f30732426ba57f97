package io.samsa.cluster;

import io.samsa.config.Endpoint;
import io.samsa.config.ServerConfig;
import io.samsa.metadata.Controller;
import io.samsa.metadata.LocalMetadataLog;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The active controller's sessions: silent brokers are fenced, a restarted broker gets a whole new session. */
class BrokerLivenessTest {
    private static final long SESSION_MS = 4000;
    @TempDir
    Path dir;
    private LocalMetadataLog log;
    private Controller controller;
    private BrokerLiveness liveness;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void start() throws Exception {
        log = LocalMetadataLog.open(dir);
        controller = new Controller(log, new ServerConfig(Map.of()), () -> Set.of(1, 2),
            image -> CompletableFuture.completedFuture(null));
        liveness = new BrokerLiveness(controller, log::image, SESSION_MS, nanos::get);
    }

    @AfterEach
    void stop() {
        liveness.close();
        controller.close();
        log.close();
    }

    private long register(int node) throws Exception {
        return controller.registerBroker(node, Uuid.randomUuid(), List.of(new Endpoint("PLAINTEXT", "PLAINTEXT", "h", 9090 + node)),
            null).get(10, TimeUnit.SECONDS);
    }

    private void heartbeat(int node, long epoch) throws Exception {
        ByteBuffer answer = liveness.handle(ControllerRequests.heartbeat(node, epoch, false)).get(10, TimeUnit.SECONDS);
        assertThat(answer.get(0)).isEqualTo(ControllerRequests.OK);
    }

    private void advance(long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void aSilentBrokerIsFencedAndUnfencedWhenItHeartbeatsAgain() throws Exception {
        long one = register(1);
        long two = register(2);
        liveness.activate();
        heartbeat(1, one);
        heartbeat(2, two);
        advance(3000);
        heartbeat(1, one);
        advance(2000); // broker 2 silent for 5 s, broker 1 for 2 s
        await().atMost(Duration.ofSeconds(10)).until(() -> log.image().broker(2).fenced());
        assertThat(log.image().broker(1).fenced()).isFalse();
        heartbeat(2, two);
        await().atMost(Duration.ofSeconds(10)).until(() -> !log.image().broker(2).fenced());
    }

    @Test
    void aRestartedBrokerGetsAWholeSessionFromItsNewRegistration() throws Exception {
        long first = register(1);
        liveness.activate();
        heartbeat(1, first);
        advance(3500); // the old incarnation stopped 3.5 s ago; the new one registers now
        long second = register(1);
        assertThat(second).isNotEqualTo(first);
        liveness.checkSessions(); // sees the new registration
        advance(1000); // 4.5 s after the old incarnation's last heartbeat, 1 s after the new registration
        liveness.checkSessions();
        // A fencing would commit asynchronously: the broker must stay unfenced for a while, not just at this instant.
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> !log.image().broker(1).fenced());
        advance(SESSION_MS + 1000);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.image().broker(1).fenced());
    }
}
