package io.samsa.network;

import io.samsa.it.robust.RawConnection;
import io.samsa.server.EmbeddedBroker;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Clients pipeline requests on one connection and match responses by order: a later answer never overtakes. */
class PipeliningTest {
    private static final String TOPIC = "pipelined";
    private static final int MAX_WAIT_MS = 500;
    private static EmbeddedBroker broker;

    private record Sent(ApiKeys api, short version, int correlationId) {
    }

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.createTopic(TOPIC, 1, Map.of());
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void responsesFollowRequestOrderWhenALongPollFetchComesFirst() throws Exception {
        List<Sent> sent = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        add(wire, sent, ApiKeys.FETCH, (short) 12, longPollFetch(), 10);
        add(wire, sent, ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null), 11);
        add(wire, sent, ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()
            .setClientSoftwareName("test").setClientSoftwareVersion("1"), 12);
        add(wire, sent, ApiKeys.LIST_OFFSETS, (short) 7, listLatest(), 13);
        add(wire, sent, ApiKeys.METADATA, (short) 1, new MetadataRequestData(), 14);
        add(wire, sent, ApiKeys.API_VERSIONS, (short) 0, new ApiVersionsRequestData(), 15);

        try (RawConnection connection = RawConnection.open(broker.port())) {
            long start = System.nanoTime();
            connection.sendRaw(wire.toByteArray());
            List<Integer> order = new ArrayList<>();
            for (Sent s : sent) {
                RawConnection.Reply reply = connection.receive(s.api(), s.version());
                order.add(reply.correlationId());
                if (s.api() == ApiKeys.FETCH) {
                    long waitedMs = (System.nanoTime() - start) / 1_000_000;
                    assertThat(waitedMs).as("the fetch waited for data").isGreaterThanOrEqualTo(MAX_WAIT_MS - 50);
                    assertThat(((FetchResponse) reply.body()).data().errorCode()).isEqualTo(Errors.NONE.code());
                }
            }
            assertThat(order).containsExactly(10, 11, 12, 13, 14, 15);
        }
    }

    @Test
    void moreRequestsInFlightThanTheReadLimitAreAllAnsweredInOrder() throws Exception {
        List<Sent> sent = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        add(wire, sent, ApiKeys.FETCH, (short) 12, longPollFetch(), 1000);
        for (int i = 1; i < 200; i++) {
            add(wire, sent, ApiKeys.METADATA, (short) 9, new MetadataRequestData().setTopics(null), 1000 + i);
        }
        try (RawConnection connection = RawConnection.open(broker.port())) {
            connection.sendRaw(wire.toByteArray());
            List<Integer> order = new ArrayList<>();
            for (Sent s : sent) {
                order.add(connection.receive(s.api(), s.version()).correlationId());
            }
            assertThat(order).isSorted().hasSize(200).startsWith(1000).endsWith(1199);
        }
    }

    private static FetchRequestData longPollFetch() {
        FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(MAX_WAIT_MS).setMinBytes(1)
            .setMaxBytes(1024 * 1024).setSessionId(0).setSessionEpoch(-1);
        fetch.topics().add(new FetchRequestData.FetchTopic().setTopic(TOPIC).setPartitions(List.of(
            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1024 * 1024))));
        return fetch;
    }

    private static ListOffsetsRequestData listLatest() {
        ListOffsetsRequestData list = new ListOffsetsRequestData().setReplicaId(-1);
        list.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1))));
        return list;
    }

    private static void add(ByteArrayOutputStream wire, List<Sent> sent, ApiKeys api, short version, ApiMessage body, int correlationId) {
        byte[] frame = RawConnection.frame(api, body, version, correlationId);
        wire.writeBytes(ByteBuffer.allocate(4).putInt(frame.length).array());
        wire.writeBytes(frame);
        sent.add(new Sent(api, version, correlationId));
    }
}
