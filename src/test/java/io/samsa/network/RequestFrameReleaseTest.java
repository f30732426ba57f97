package io.samsa.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.samsa.it.robust.RawConnection;
import io.samsa.protocol.RequestDispatcher;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A parked request (a long-poll fetch waiting for data) must not pin its network read buffer: its frame is released
 * once parsed. Only a request whose parsed form points into the frame (Produce's record batches) keeps it until its
 * response is ready. The handlers here park like the purgatory does: they return a future completed later.
 */
class RequestFrameReleaseTest {
    private final CompletableFuture<ApiMessage> parked = new CompletableFuture<>();
    private final RequestDispatcher dispatcher = new RequestDispatcher()
        .register(ApiKeys.FETCH, 4, 17, (context, request) -> parked)
        .register(ApiKeys.PRODUCE, 3, 13, (context, request) -> parked);
    private final EmbeddedChannel channel = new EmbeddedChannel(new ConnectionHandler(dispatcher, "PLAINTEXT"));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void parkedFetchHasReleasedItsFrame() {
        FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(30_000).setMinBytes(1)
            .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic("t").setPartitions(java.util.List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));
        ByteBuf frame = Unpooled.directBuffer().writeBytes(RawConnection.frame(ApiKeys.FETCH, fetch, (short) 12, 1));

        channel.writeInbound(frame);
        assertThat(parked).isNotDone();
        assertThat(frame.refCnt()).as("frame of the parked fetch").isZero();

        parked.complete(new FetchResponseData());
        channel.runPendingTasks();
        assertThat(readResponse()).as("the fetch is still answered").isTrue();
    }

    @Test
    void parkedProduceKeepsItsFrameUntilItsResponseIsReady() {
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        ByteBuf frame = Unpooled.directBuffer().writeBytes(RawConnection.frame(ApiKeys.PRODUCE, produce, (short) 9, 1));

        channel.writeInbound(frame);
        assertThat(frame.refCnt()).as("frame of the parked produce, which its records point into").isOne();

        parked.complete(new ProduceResponseData());
        channel.runPendingTasks();
        assertThat(frame.refCnt()).isZero();
        assertThat(readResponse()).isTrue();
    }

    private boolean readResponse() {
        boolean any = false;
        Object part;
        while ((part = channel.readOutbound()) != null) {
            any = true;
            ReferenceCountUtil.release(part);
        }
        return any;
    }
}
