package io.samsa.log;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A directory going offline is announced once, so that a cluster node can move its replicas' leaderships away. */
class LogDirFailuresListenerTest {

    @Test
    void listenersHearOfEachDirectoryOnceWhenItGoesOffline() {
        LogDirFailures failures = new LogDirFailures();
        List<Path> heard = new ArrayList<>();
        failures.addOfflineListener(heard::add);
        failures.addOfflineListener(dir -> {
            throw new IllegalStateException("a failing listener does not stop the others");
        });
        Path a = Path.of("/tmp/samsa-dir-a");
        assertThat(failures.markOffline(a, "write failed", new IOException("EIO"))).isTrue();
        assertThat(failures.markOffline(a, "again", new IOException("EIO"))).isFalse();
        assertThat(failures.markOffline(Path.of("/tmp/samsa-dir-b"), "fsync failed", new IOException("EIO"))).isTrue();
        assertThat(heard).containsExactly(a.toAbsolutePath().normalize(), Path.of("/tmp/samsa-dir-b"));
    }
}
