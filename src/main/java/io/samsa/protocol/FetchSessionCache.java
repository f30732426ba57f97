package io.samsa.protocol;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Incremental fetch sessions (KIP-227). A session remembers the partitions a client fetches and what it
 * was last told about each, so later requests list only changes and responses carry only partitions with
 * news. Sessions are evicted least-recently-used when the cache is full. Thread-safe (synchronised).
 */
final class FetchSessionCache {
    static final int INITIAL_EPOCH = 0;
    static final int FINAL_EPOCH = -1;

    /** A partition as a session names it: by topic id from v13, by name before. */
    record Key(Uuid topicId, String topic, int partition) {
    }

    /** What the client asked for a partition and what it was last told. */
    static final class CachedPartition {
        final Key key;
        long fetchOffset;
        int maxBytes;
        int currentLeaderEpoch;
        int lastFetchedEpoch;
        long highWatermark = -1;
        long logStartOffset = -1;

        CachedPartition(Key key) {
            this.key = key;
        }
    }

    static final class Session {
        final int id;
        int nextEpoch;
        final LinkedHashMap<Key, CachedPartition> partitions = new LinkedHashMap<>();

        Session(int id) {
            this.id = id;
        }
    }

    /** The outcome of resolving a request's session fields. */
    record Context(Errors error, Session session, boolean incremental, List<CachedPartition> partitions) {
        int responseSessionId() {
            return session == null ? 0 : session.id;
        }
    }

    private final int capacity;
    private final LinkedHashMap<Integer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    FetchSessionCache(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Applies a request's session fields. {@code requested} are the partitions listed in the request (in
     * order), {@code forgotten} those it asks to drop.
     */
    synchronized Context resolve(int sessionId, int epoch, List<CachedPartition> requested, List<Key> forgotten, boolean sessionsAllowed) {
        if (!sessionsAllowed || epoch == FINAL_EPOCH) {
            if (sessionId != 0) {
                sessions.remove(sessionId);
            }
            return new Context(Errors.NONE, null, false, requested);
        }
        if (epoch == INITIAL_EPOCH) {
            if (sessionId != 0) {
                sessions.remove(sessionId);
            }
            Session session = capacity > 0 ? newSession() : null;
            if (session != null) {
                for (CachedPartition p : requested) {
                    session.partitions.put(p.key, p);
                }
                session.nextEpoch = 1;
            }
            return new Context(Errors.NONE, session, false, requested);
        }
        Session session = sessions.get(sessionId);
        if (session == null) {
            return new Context(Errors.FETCH_SESSION_ID_NOT_FOUND, null, true, List.of());
        }
        if (session.nextEpoch != epoch) {
            return new Context(Errors.INVALID_FETCH_SESSION_EPOCH, null, true, List.of());
        }
        for (CachedPartition update : requested) {
            CachedPartition existing = session.partitions.get(update.key);
            if (existing == null) {
                session.partitions.put(update.key, update);
            } else {
                existing.fetchOffset = update.fetchOffset;
                existing.maxBytes = update.maxBytes;
                existing.currentLeaderEpoch = update.currentLeaderEpoch;
                existing.lastFetchedEpoch = update.lastFetchedEpoch;
            }
        }
        for (Key key : forgotten) {
            session.partitions.remove(key);
        }
        session.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        return new Context(Errors.NONE, session, true, new ArrayList<>(session.partitions.values()));
    }

    synchronized int size() {
        return sessions.size();
    }

    private Session newSession() {
        while (sessions.size() >= capacity) {
            Iterator<Map.Entry<Integer, Session>> eldest = sessions.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        Session session = new Session(id);
        sessions.put(id, session);
        return session;
    }
}
