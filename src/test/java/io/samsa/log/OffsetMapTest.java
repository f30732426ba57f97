package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OffsetMapTest {

    private static ByteBuffer key(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsTheLatestOffsetPerKeyAcrossGrowth() {
        OffsetMap map = new OffsetMap(64L << 20);
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 100_000; k++) {
                assertThat(map.put(key("key-" + k), round * 100_000L + k)).isTrue();
            }
        }

        assertThat(map.size()).isEqualTo(100_000);
        assertThat(map.get(key("key-0"))).isEqualTo(200_000);
        assertThat(map.get(key("key-99999"))).isEqualTo(299_999);
        assertThat(map.get(key("absent"))).isEqualTo(-1);
    }

    @Test
    void aFullMapRefusesNewKeysButStillUpdatesKnownOnes() {
        OffsetMap map = new OffsetMap(24 * 1024);
        int k = 0;
        while (map.put(key("key-" + k), k)) {
            k++;
        }

        assertThat(map.isFull()).isTrue();
        assertThat(k).isBetween(900, 1024);
        assertThat(map.get(key("key-" + k))).isEqualTo(-1);
        assertThat(map.put(key("key-0"), 5_000)).isTrue();
        assertThat(map.get(key("key-0"))).isEqualTo(5_000);

        map.clear();
        assertThat(map.size()).isZero();
        assertThat(map.get(key("key-0"))).isEqualTo(-1);
        assertThat(map.put(key("new"), 1)).isTrue();
    }

    @Test
    void readsTheKeyWithoutMovingItsPosition() {
        OffsetMap map = new OffsetMap(1 << 20);
        ByteBuffer key = key("abc");

        map.put(key, 7);

        assertThat(key.remaining()).isEqualTo(3);
        assertThat(map.get(key)).isEqualTo(7);
    }
}
