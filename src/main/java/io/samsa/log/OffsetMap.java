package io.samsa.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Key to latest offset, for one compaction pass over the dirty part of a log: the cleaner puts
 * every keyed record in offset order, so a key ends up with the offset of its newest record.
 *
 * <p>Keys are stored as their 128-bit MD5 digest, not as bytes, so an entry costs 24 bytes
 * whatever the key's size (the same trade Kafka's cleaner makes; two keys sharing a digest are
 * not a practical concern). The table is open-addressed with linear probing; it starts small and
 * doubles up to {@code maxBytes} and refuses new keys at 90 % of that ({@link #isFull()}), after
 * which the cleaner stops mapping and compacts only up to the last mapped offset.
 *
 * <p>Not thread-safe: one cleaner thread owns it.
 */
final class OffsetMap {

    private static final int SLOT_LONGS = 3;
    private static final int SLOT_BYTES = SLOT_LONGS * Long.BYTES;
    private static final int MIN_SLOTS = 1 << 10;
    private static final double MAX_LOAD = 0.9;
    private static final double GROW_LOAD = 0.7;
    private static final long EMPTY = -1;

    private final int maxSlots;
    private final MessageDigest md5;
    private long[] table;
    private int slots;
    private int entries;
    /** The digest of the key last passed to {@link #digest}. */
    private long hi;
    private long lo;

    /** @param maxBytes memory the table may grow to; at least room for 1,024 keys */
    OffsetMap(long maxBytes) {
        this.maxSlots = Integer.highestOneBit((int) Math.max(MIN_SLOTS,
            Math.min(Integer.MAX_VALUE / SLOT_LONGS, maxBytes / SLOT_BYTES)));
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM lacks MD5", e);
        }
        allocate(Math.min(maxSlots, 1 << 14));
    }

    private void allocate(int newSlots) {
        slots = newSlots;
        table = new long[newSlots * SLOT_LONGS];
        for (int slot = 0; slot < newSlots; slot++) {
            table[slot * SLOT_LONGS + 2] = EMPTY;
        }
        entries = 0;
    }

    /**
     * Records {@code offset} as the latest for {@code key}; offsets must not go backwards per key.
     *
     * @return false, recording nothing, when the key is new and the map {@link #isFull()}
     */
    boolean put(ByteBuffer key, long offset) {
        if (entries >= GROW_LOAD * slots && slots < maxSlots) {
            grow();
        }
        digest(key);
        int at = findSlot(hi, lo) * SLOT_LONGS;
        if (table[at + 2] == EMPTY) {
            if (isFull()) {
                return false;
            }
            table[at] = hi;
            table[at + 1] = lo;
            entries++;
        }
        table[at + 2] = offset;
        return true;
    }

    /** The latest offset put for {@code key}, or -1 when it was never put. */
    long get(ByteBuffer key) {
        digest(key);
        return table[findSlot(hi, lo) * SLOT_LONGS + 2];
    }

    /** True when no new key may be put. */
    boolean isFull() {
        return slots == maxSlots && entries >= MAX_LOAD * slots;
    }

    int size() {
        return entries;
    }

    /** Forgets every key but keeps the memory, for the next pass. */
    void clear() {
        for (int slot = 0; slot < slots; slot++) {
            table[slot * SLOT_LONGS + 2] = EMPTY;
        }
        entries = 0;
    }

    private void digest(ByteBuffer key) {
        md5.reset();
        md5.update(key.duplicate());
        byte[] d = md5.digest();
        hi = ByteBuffer.wrap(d, 0, 8).getLong();
        lo = ByteBuffer.wrap(d, 8, 8).getLong();
    }

    /** The slot holding the digest, or the empty slot where it would go. */
    private int findSlot(long h, long l) {
        int mask = slots - 1;
        int slot = (int) (l ^ (l >>> 32)) & mask;
        while (true) {
            int at = slot * SLOT_LONGS;
            if (table[at + 2] == EMPTY || (table[at] == h && table[at + 1] == l)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void grow() {
        long[] old = table;
        int oldSlots = slots;
        allocate(Math.min(maxSlots, oldSlots * 2));
        for (int slot = 0; slot < oldSlots; slot++) {
            int at = slot * SLOT_LONGS;
            if (old[at + 2] != EMPTY) {
                int to = findSlot(old[at], old[at + 1]) * SLOT_LONGS;
                table[to] = old[at];
                table[to + 1] = old[at + 1];
                table[to + 2] = old[at + 2];
                entries++;
            }
        }
    }
}
