package io.samsa.protocol;

import java.nio.ByteBuffer;

/**
 * Walks the records of an uncompressed magic-v2 batch where they lie in the request buffer, checking that they
 * parse, without creating an object per record: the produce path's check of every record for the common,
 * uncompressed case.
 *
 * <p>A record is: a varint size, then in those bytes an attributes byte, a varlong timestamp delta, a varint
 * offset delta, a varint key length and the key (a negative length is a null key), the same for the value, a
 * varint header count and that many headers (a key that must not be null, and a value). Varints are zig-zag
 * encoded, at most 5 bytes (10 for a varlong). The walker is at least as strict as kafka-clients' record reader:
 * a batch it passes also reads record by record without an error; one it refuses is read again by that reader,
 * which names the problem.
 */
final class UncompressedRecordWalker {

    private UncompressedRecordWalker() {
    }

    /**
     * Whether {@code buf[start, end)} holds exactly {@code count} well-formed records with offset deltas 0, 1, 2…
     * and headers whose keys are not null. Reads with absolute gets: the buffer's position and limit stay as they
     * are.
     */
    static boolean wellFormed(ByteBuffer buf, int start, int end, int count) {
        if (count < 0 || start < 0 || end > buf.limit() || start > end) {
            return false;
        }
        int pos = start;
        for (int expectedDelta = 0; expectedDelta < count; expectedDelta++) {
            long size = readVarint(buf, pos, end);
            if (size == INVALID) {
                return false;
            }
            pos += length(size);
            int bodySize = value(size);
            if (bodySize < 0 || bodySize > end - pos) {
                return false;
            }
            int recordEnd = pos + bodySize;
            pos = skipRecordBody(buf, pos, recordEnd, expectedDelta);
            if (pos != recordEnd) {
                return false;
            }
        }
        return pos == end;
    }

    /** Returns the position after a record body starting at {@code pos}, or -1 when it does not parse. */
    private static int skipRecordBody(ByteBuffer buf, int pos, int recordEnd, int expectedDelta) {
        pos += 1; // attributes
        pos = skipVarlong(buf, pos, recordEnd);
        if (pos < 0) {
            return -1;
        }
        long offsetDelta = readVarint(buf, pos, recordEnd);
        if (offsetDelta == INVALID || value(offsetDelta) != expectedDelta) {
            return -1;
        }
        pos += length(offsetDelta);
        pos = skipBytes(buf, pos, recordEnd, true); // key
        pos = skipBytes(buf, pos, recordEnd, true); // value
        if (pos < 0) {
            return -1;
        }
        long headers = readVarint(buf, pos, recordEnd);
        if (headers == INVALID || value(headers) < 0) {
            return -1;
        }
        pos += length(headers);
        // A header takes at least two bytes, so a count larger than that cannot be honest.
        if (value(headers) > (recordEnd - pos) / 2) {
            return -1;
        }
        for (int i = value(headers); i > 0 && pos >= 0; i--) {
            pos = skipBytes(buf, pos, recordEnd, false); // header key, never null
            pos = skipBytes(buf, pos, recordEnd, true); // header value
        }
        return pos;
    }

    /** Skips a varint length and that many bytes; a negative length is a null, allowed when {@code nullable}. */
    private static int skipBytes(ByteBuffer buf, int pos, int recordEnd, boolean nullable) {
        if (pos < 0) {
            return -1;
        }
        long length = readVarint(buf, pos, recordEnd);
        if (length == INVALID) {
            return -1;
        }
        pos += length(length);
        int n = value(length);
        if (n < 0) {
            return nullable ? pos : -1;
        }
        return n <= recordEnd - pos ? pos + n : -1;
    }

    /** A varint read that failed: too long or past {@code end}. No valid read packs to this value. */
    private static final long INVALID = -1L;

    /**
     * Reads a zig-zag varint at {@code pos} before {@code end}: the decoded value in the low 32 bits and the
     * number of bytes it took in the high bits, or {@link #INVALID}.
     */
    private static long readVarint(ByteBuffer buf, int pos, int end) {
        int raw = 0;
        for (int i = 0; i < 5; i++) {
            if (pos + i >= end) {
                return INVALID;
            }
            int b = buf.get(pos + i);
            raw |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                int decoded = (raw >>> 1) ^ -(raw & 1);
                return ((long) (i + 1) << 32) | (decoded & 0xffffffffL);
            }
        }
        return INVALID;
    }

    private static int value(long packed) {
        return (int) packed;
    }

    private static int length(long packed) {
        return (int) (packed >>> 32);
    }

    /** Returns the position after a varlong at {@code pos}, or -1 when it is longer than 10 bytes or past end. */
    private static int skipVarlong(ByteBuffer buf, int pos, int end) {
        for (int i = 0; i < 10; i++) {
            if (pos + i >= end) {
                return -1;
            }
            if ((buf.get(pos + i) & 0x80) == 0) {
                return pos + i + 1;
            }
        }
        return -1;
    }
}
