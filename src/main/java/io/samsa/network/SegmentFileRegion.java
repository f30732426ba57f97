package io.samsa.network;

import io.netty.channel.DefaultFileRegion;

import java.nio.channels.FileChannel;

/**
 * A range of a segment file sent with sendfile. The segment owns the file channel, so releasing the
 * region must not close it (Netty's {@link DefaultFileRegion} would); extending DefaultFileRegion keeps
 * the native epoll transport on its sendfile path.
 */
final class SegmentFileRegion extends DefaultFileRegion {
    SegmentFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
        // The channel belongs to the log segment; it stays open.
    }
}
