package io.samsa.protocol;

import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connection frees a request's frame as soon as it is parsed unless {@link RequestDispatcher#requestSharesFrame}
 * says the parsed request points into it. kafka-clients' generated request classes hold such pointers exactly in
 * their record and zero-copy bytes fields (typed BaseRecords and ByteBuffer), so this checks the list against them:
 * a kafka-clients upgrade that adds one fails here rather than as a request reading freed memory.
 */
class RequestFrameSharingTest {
    @Test
    void requestsThatShareTheirFrameAreExactlyThoseWithZeroCopyFields() {
        List<ApiKeys> withZeroCopyFields = new ArrayList<>();
        List<ApiKeys> sharing = new ArrayList<>();
        for (ApiKeys api : ApiKeys.values()) {
            Class<?> request;
            try {
                request = api.messageType.newRequest().getClass();
            } catch (UnsupportedVersionException removed) {
                continue; // an API kafka-clients no longer parses (LeaderAndIsr): its frames are refused unread
            }
            if (hasZeroCopyField(request)) {
                withZeroCopyFields.add(api);
            }
            if (RequestDispatcher.requestSharesFrame(api.id)) {
                sharing.add(api);
            }
        }
        assertThat(sharing).contains(ApiKeys.PRODUCE).containsExactlyInAnyOrderElementsOf(withZeroCopyFields);
    }

    private static boolean hasZeroCopyField(Class<?> messageClass) {
        for (Field field : messageClass.getDeclaredFields()) {
            if (ByteBuffer.class.isAssignableFrom(field.getType()) || BaseRecords.class.isAssignableFrom(field.getType())) {
                return true;
            }
        }
        for (Class<?> nested : messageClass.getDeclaredClasses()) {
            if (hasZeroCopyField(nested)) {
                return true;
            }
        }
        return false;
    }
}
