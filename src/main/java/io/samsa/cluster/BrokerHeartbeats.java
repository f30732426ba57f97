package io.samsa.cluster;

import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A broker's heartbeats to the active controller, every {@code broker.heartbeat.interval.ms}, so that it stays
 * unfenced; and its controlled shutdown: before it stops, it asks the controller to fence it and move its
 * leaderships away, and waits for that (bounded), so clients move to the new leaders before its connections close.
 *
 * <p>Threads: {@code samsa-heartbeat} sends; answers arrive on Ratis's client threads and only log or re-register.
 */
public final class BrokerHeartbeats implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerHeartbeats.class);

    private final ClusterMetadataStore store;
    private final int nodeId;
    private final LongSupplier brokerEpoch;
    private final Runnable reRegister;
    private final ScheduledExecutorService sender =
        Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("samsa-heartbeat", true));
    private volatile boolean inFlight;
    private volatile boolean stopping;

    /**
     * @param brokerEpoch the epoch of this broker's current registration
     * @param reRegister asked to register again when the controller no longer knows this epoch
     */
    public BrokerHeartbeats(ClusterMetadataStore store, int nodeId, LongSupplier brokerEpoch, Runnable reRegister) {
        this.store = store;
        this.nodeId = nodeId;
        this.brokerEpoch = brokerEpoch;
        this.reRegister = reRegister;
    }

    public void start(long intervalMs) {
        sender.scheduleWithFixedDelay(this::beat, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        if (inFlight || stopping) {
            return; // the last one is still on its way (an election): one at a time
        }
        inFlight = true;
        store.askController(ControllerRequests.heartbeat(nodeId, brokerEpoch.getAsLong(), false))
            .whenComplete((answer, failure) -> {
                inFlight = false;
                if (failure != null) {
                    log.debug("Heartbeat not answered: {}", failure.toString());
                } else if (status(answer) == ControllerRequests.STALE_EPOCH && !stopping) {
                    log.warn("The controller does not know broker {}'s epoch {}: registering again", nodeId,
                        brokerEpoch.getAsLong());
                    reRegister.run();
                }
            });
    }

    private static byte status(ByteBuffer answer) {
        return answer.remaining() > 0 ? answer.get(answer.position()) : ControllerRequests.MALFORMED;
    }

    /**
     * Controlled shutdown: asks the controller to fence this broker and move its leaderships, retrying until it
     * confirms or {@code timeoutMs} passes. Returns whether it confirmed.
     */
    public boolean shutDown(long timeoutMs) {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            CompletableFuture<ByteBuffer> answer =
                store.askController(ControllerRequests.heartbeat(nodeId, brokerEpoch.getAsLong(), true));
            try {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                byte status = status(answer.get(left, TimeUnit.MILLISECONDS));
                if (status == ControllerRequests.SHUTDOWN_READY || status == ControllerRequests.STALE_EPOCH) {
                    return true;
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                log.debug("Controlled shutdown request failed: {}", e.toString());
            }
        }
        return false;
    }

    @Override
    public void close() {
        stopping = true;
        sender.shutdownNow();
    }
}
