package io.samsa.group;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves the regular expressions of consumer-protocol subscriptions (KIP-848) to topic names. Patterns are
 * RE2/J's, as in Kafka's coordinator: matching takes time linear in a name's length whatever the pattern, so
 * a member subscribing with {@code (a+)+b} cannot stall a thread the way {@code java.util.regex} would.
 *
 * <p>A regex is matched against all topic names only when the names changed since it was last resolved
 * (results are cached per regex with the names they were computed from), and always on the heartbeat's
 * thread before it takes the group's lock: {@link ConsumerGroupProtocol} resolves, then under the lock reads
 * finished results from a {@link View}. Kafka resolves on a separate executor and applies the result to the
 * group later; here the joining member's own heartbeat already sees its topics, and no group lock is held
 * while names are matched.
 *
 * <p>Thread-safe: a concurrent cache of immutable results. A {@link View} belongs to one heartbeat.
 */
final class TopicRegexResolver {
    /** Regexes kept at most; past it the cache starts over, so regexes nobody uses any more do not pile up. */
    static final int MAX_CACHED = 1000;

    /** A regex's matching topics, and the topic names they were matched among. */
    private record Resolution(List<String> topicNames, Set<String> topics) {
    }

    private final Map<String, Resolution> cache = new ConcurrentHashMap<>();

    /** Why RE2/J rejects the regex (Kafka's INVALID_REGULAR_EXPRESSION), or null when it is valid. */
    static String syntaxError(String regex) {
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return e.getDescription();
        }
    }

    /** The topics of the catalog as they are now, for one heartbeat to resolve against. */
    View view(TopicCatalog catalog) {
        return new View(List.copyOf(catalog.names()));
    }

    int cachedRegexes() {
        return cache.size();
    }

    /** One heartbeat's resolutions against one list of topic names. Not thread-safe. */
    final class View {
        private final List<String> topicNames;
        private final Map<String, Set<String>> resolved = new HashMap<>();

        private View(List<String> topicNames) {
            this.topicNames = topicNames;
        }

        /** Matches the regexes not yet resolved against these names. Never called under a group's lock. */
        void resolve(Collection<String> regexes) {
            for (String regex : regexes) {
                if (!resolved.containsKey(regex)) {
                    resolved.put(regex, lookUpOrMatch(regex));
                }
            }
        }

        /** The regexes among these whose result is not at hand yet; cached results for these names are taken. */
        Set<String> unresolved(Collection<String> regexes) {
            Set<String> missing = new HashSet<>();
            for (String regex : regexes) {
                if (resolved.containsKey(regex)) {
                    continue;
                }
                Resolution cached = cache.get(regex);
                if (cached != null && cached.topicNames().equals(topicNames)) {
                    resolved.put(regex, cached.topics());
                } else {
                    missing.add(regex);
                }
            }
            return missing;
        }

        /**
         * The topics a regex matches. The caller made sure with {@link #unresolved} that it is resolved; should
         * it not be, it is matched here rather than failing the heartbeat.
         */
        Set<String> topics(String regex) {
            Set<String> topics = resolved.get(regex);
            return topics != null ? topics : lookUpOrMatch(regex);
        }

        private Set<String> lookUpOrMatch(String regex) {
            Resolution cached = cache.get(regex);
            if (cached != null && cached.topicNames().equals(topicNames)) {
                return cached.topics();
            }
            Set<String> topics = match(regex, topicNames);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(regex, new Resolution(topicNames, topics));
            return topics;
        }
    }

    /** The names the regex matches in full; internal topics ({@code __} names) are never subscribed. */
    private static Set<String> match(String regex, List<String> topicNames) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            // Validated when the member sent it; a stored one that no longer compiles matches nothing.
            return Set.of();
        }
        Set<String> topics = new TreeSet<>();
        for (String name : topicNames) {
            if (!name.startsWith("__") && pattern.matches(name)) {
                topics.add(name);
            }
        }
        return Set.copyOf(topics);
    }
}
