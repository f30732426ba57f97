package io.samsa.cluster;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.samsa.metadata.Controller;
import io.samsa.metadata.MetadataImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.LongSupplier;

/**
 * The active controller's view of which brokers are alive: brokers heartbeat to it ({@link BrokerHeartbeats});
 * a broker silent for {@code broker.session.timeout.ms} is fenced, which moves its leaderships away; a fenced
 * broker that heartbeats again is unfenced; a broker that asks to shut down is fenced at once (controlled
 * shutdown). Heartbeat times live only here, not in the metadata: a new active controller gives every broker a
 * full session from the moment it took over.
 *
 * <p>Threads: heartbeats arrive on Ratis's threads and only record a time or hand a change to the controller;
 * the session check runs on {@code samsa-broker-liveness} while this node is the active controller.
 */
public final class BrokerLiveness implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLiveness.class);

    private final Controller controller;
    private final Supplier<MetadataImage> image;
    private final long sessionTimeoutNs;
    private final LongSupplier nanoClock;
    /** The last heartbeat of each broker, with the registration epoch it came with. */
    private final Map<Integer, Heard> lastHeartbeat = new ConcurrentHashMap<>();

    private record Heard(long brokerEpoch, long atNs) {
    }
    private final ScheduledExecutorService checker =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("samsa-broker-liveness", true));
    private ScheduledFuture<?> checking;
    private volatile boolean active;
    private volatile long activeSinceNs;

    public BrokerLiveness(Controller controller, Supplier<MetadataImage> image, long sessionTimeoutMs, LongSupplier nanoClock) {
        this.controller = controller;
        this.image = image;
        this.sessionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
        this.nanoClock = nanoClock;
    }

    /** This node became the active controller: every registered broker gets a full session from now. */
    public synchronized void activate() {
        lastHeartbeat.clear();
        activeSinceNs = nanoClock.getAsLong();
        active = true;
        if (checking == null) {
            long periodMs = Math.max(100, TimeUnit.NANOSECONDS.toMillis(sessionTimeoutNs) / 10);
            checking = checker.scheduleWithFixedDelay(this::checkSessions, periodMs, periodMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Another node leads the quorum now. */
    public synchronized void deactivate() {
        active = false;
        if (checking != null) {
            checking.cancel(false);
            checking = null;
        }
    }

    /** One session check (the timer runs it every tenth of the session timeout; tests call it directly). */
    void checkSessions() {
        if (!active) {
            return;
        }
        long now = nanoClock.getAsLong();
        for (MetadataImage.BrokerRegistration broker : image.get().brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            Heard heard = lastHeartbeat.get(broker.nodeId());
            if (heard == null || heard.brokerEpoch() != broker.brokerEpoch()) {
                // A registration not heard from yet (a restart): its session starts when this check first sees it,
                // not at the previous incarnation's last heartbeat.
                long since = heard == null ? activeSinceNs : now;
                heard = new Heard(broker.brokerEpoch(), since);
                lastHeartbeat.put(broker.nodeId(), heard);
            }
            if (now - heard.atNs() > sessionTimeoutNs) {
                log.warn("Fencing broker {} (epoch {}): no heartbeat for {} ms", broker.nodeId(), broker.brokerEpoch(),
                    TimeUnit.NANOSECONDS.toMillis(now - heard.atNs()));
                // Counts as heard from, so the next check does not ask again while this fencing commits.
                lastHeartbeat.put(broker.nodeId(), new Heard(broker.brokerEpoch(), now));
                controller.fenceBroker(broker.nodeId(), broker.brokerEpoch());
            }
        }
    }

    /** Answers one request a broker sent to the active controller. */
    public CompletableFuture<ByteBuffer> handle(ByteBuffer request) {
        if (!active) {
            return CompletableFuture.completedFuture(ControllerRequests.heartbeatAnswer(ControllerRequests.NOT_ACTIVE));
        }
        ControllerRequests.Heartbeat heartbeat;
        try {
            heartbeat = ControllerRequests.readHeartbeat(request);
        } catch (RuntimeException e) {
            log.warn("Malformed request to the controller ignored: {}", e.toString());
            return CompletableFuture.completedFuture(ControllerRequests.heartbeatAnswer(ControllerRequests.MALFORMED));
        }
        MetadataImage.BrokerRegistration broker = image.get().broker(heartbeat.nodeId());
        if (broker == null || broker.brokerEpoch() != heartbeat.brokerEpoch()) {
            return CompletableFuture.completedFuture(ControllerRequests.heartbeatAnswer(ControllerRequests.STALE_EPOCH));
        }
        lastHeartbeat.put(heartbeat.nodeId(), new Heard(heartbeat.brokerEpoch(), nanoClock.getAsLong()));
        if (heartbeat.wantShutdown()) {
            if (!broker.fenced()) {
                log.info("Broker {} is shutting down: fencing it and moving its leaderships away", heartbeat.nodeId());
            }
            return controller.fenceBroker(heartbeat.nodeId(), heartbeat.brokerEpoch())
                .handle((fenced, failure) -> ControllerRequests.heartbeatAnswer(
                    failure == null ? ControllerRequests.SHUTDOWN_READY : ControllerRequests.NOT_ACTIVE));
        }
        if (broker.fenced()) {
            log.info("Broker {} (epoch {}) heartbeats again: unfencing it", heartbeat.nodeId(), heartbeat.brokerEpoch());
            return controller.unfenceBroker(heartbeat.nodeId(), heartbeat.brokerEpoch())
                .handle((done, failure) -> ControllerRequests.heartbeatAnswer(ControllerRequests.OK));
        }
        return CompletableFuture.completedFuture(ControllerRequests.heartbeatAnswer(ControllerRequests.OK));
    }

    @Override
    public void close() {
        deactivate();
        checker.shutdownNow();
    }
}
