package io.samsa.protocol;

import io.samsa.config.ServerConfig;
import io.samsa.log.LogConfig;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.TopicImage;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Explains a topic's or broker's configuration the way Kafka reports it: every key with its value in
 * force, where that value comes from (topic override, dynamic broker config, server.properties, default)
 * and the synonyms it shadows.
 */
final class ConfigDescriber {

    /** One described config entry, with the synonyms from most to least specific. */
    record Entry(String name, String value, ConfigSource source, boolean readOnly, boolean sensitive,
                 ConfigDef.Type type, String documentation, List<Synonym> synonyms) {
    }

    record Synonym(String name, String value, ConfigSource source) {
    }

    /**
     * Kafka sends a topic's configs in the iteration order of the HashMap its LogConfig parses into: 64 buckets
     * for its 37 topic configs. Clients that print them as they arrive show that order, so a HashMap of the same
     * capacity gives our keys Kafka's relative order. (The Java Admin re-hashes entries into a map sized by
     * their count, so kafka-topics' "Configs:" order matches Kafka's only once we describe as many configs.)
     */
    private static final List<ConfigDef.ConfigKey> TOPIC_KEYS_IN_KAFKA_ORDER = topicKeysInKafkaOrder();

    private static List<ConfigDef.ConfigKey> topicKeysInKafkaOrder() {
        Map<String, ConfigDef.ConfigKey> keys = new java.util.HashMap<>(64);
        for (ConfigDef.ConfigKey key : LogConfig.CONFIG_DEF.configKeys().values()) {
            if (!key.internalConfig) {
                keys.put(key.name, key);
            }
        }
        return List.copyOf(keys.values());
    }

    private final ServerConfig config;
    private final int nodeId;
    private final Supplier<Map<String, Object>> effectiveTopicDefaults;

    ConfigDescriber(ServerConfig config, int nodeId, Supplier<Map<String, Object>> effectiveTopicDefaults) {
        this.config = config;
        this.nodeId = nodeId;
        this.effectiveTopicDefaults = effectiveTopicDefaults;
    }

    /**
     * Every topic config with its value in force. Synonyms follow Kafka: the topic override first, then each
     * broker key that sets the default, grouped by source (dynamic per-broker, dynamic cluster default,
     * server.properties, built-in default); the entry's source is the first synonym's.
     */
    List<Entry> describeTopic(TopicImage topic, MetadataImage image) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Object> effective = LogConfig.fromMap(effectiveTopicDefaults.get(), topic.configs()).values();
        for (ConfigDef.ConfigKey key : TOPIC_KEYS_IN_KAFKA_ORDER) {
            String value = render(key.type, effective.get(key.name));
            List<Synonym> synonyms = new ArrayList<>();
            if (topic.configs().containsKey(key.name)) {
                synonyms.add(new Synonym(key.name, value, ConfigSource.TOPIC_CONFIG));
            }
            List<String> brokerKeys = ServerConfig.TOPIC_CONFIG_SYNONYMS.getOrDefault(key.name, List.of());
            if (!brokerKeys.isEmpty()) {
                synonyms.addAll(brokerSynonyms(brokerKeys.get(0), brokerKeys, image, true));
            }
            ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            entries.add(new Entry(key.name, value, source, false, false, key.type, key.documentation, synonyms));
        }
        return entries;
    }

    /**
     * This broker's configs ({@code resourceName} its node id), or only the dynamic cluster-wide defaults
     * ({@code resourceName} empty), as Kafka describes them.
     */
    List<Entry> describeBroker(String resourceName, MetadataImage image) {
        boolean perBroker = !resourceName.isEmpty();
        Map<String, String> clusterDefaults = image.brokerConfigs("");
        List<Entry> entries = new ArrayList<>();
        for (ConfigDef.ConfigKey key : ServerConfig.CONFIG_DEF.configKeys().values()) {
            if (!perBroker && !clusterDefaults.containsKey(key.name)) {
                continue;
            }
            List<Synonym> synonyms = brokerSynonyms(key.name, synonymGroup(key.name), image, perBroker);
            String value;
            if (perBroker) {
                value = synonyms.isEmpty() ? null : synonyms.get(0).value();
            } else {
                value = clusterDefaults.get(key.name);
            }
            ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            boolean readOnly = !io.samsa.metadata.Controller.dynamicBrokerKeys().contains(key.name);
            entries.add(new Entry(key.name, value, source, readOnly, false, key.type, key.documentation, synonyms));
        }
        return entries;
    }

    /**
     * The values of a group of broker keys that mean one setting ({@code log.retention.ms/minutes/hours}), by
     * source, most specific source first; only dynamic defaults unless perBroker. As in Kafka, entries before
     * the first one named {@code name} are dropped: a topic's {@code retention.ms} whose broker default comes
     * from {@code log.retention.hours} alone therefore reports DEFAULT_CONFIG with no synonyms.
     */
    private List<Synonym> brokerSynonyms(String name, List<String> brokerKeys, MetadataImage image, boolean perBroker) {
        List<Synonym> out = new ArrayList<>();
        Map<String, String> dynamicBroker = image.brokerConfigs(String.valueOf(nodeId));
        Map<String, String> dynamicDefault = image.brokerConfigs("");
        if (perBroker) {
            addPresent(out, brokerKeys, dynamicBroker::get, ConfigSource.DYNAMIC_BROKER_CONFIG);
        }
        addPresent(out, brokerKeys, dynamicDefault::get, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        if (perBroker) {
            addPresent(out, brokerKeys, k -> {
                Object v = config.originals().get(k);
                return v == null ? null : render(null, v);
            }, ConfigSource.STATIC_BROKER_CONFIG);
            addPresent(out, brokerKeys, k -> {
                ConfigDef.ConfigKey key = ServerConfig.CONFIG_DEF.configKeys().get(k);
                return key == null ? null : render(key.type, key.defaultValue);
            }, ConfigSource.DEFAULT_CONFIG);
        }
        int first = 0;
        while (first < out.size() && !out.get(first).name().equals(name)) {
            first++;
        }
        return new ArrayList<>(out.subList(first, out.size()));
    }

    /** The broker keys that set the same thing as this one, most specific first (Kafka's broker synonyms). */
    private static List<String> synonymGroup(String brokerKey) {
        for (List<String> group : ServerConfig.TOPIC_CONFIG_SYNONYMS.values()) {
            if (group.contains(brokerKey)) {
                return group;
            }
        }
        return List.of(brokerKey);
    }

    private static void addPresent(List<Synonym> out, List<String> keys, java.util.function.Function<String, String> values,
                                   ConfigSource source) {
        for (String key : keys) {
            String value = values.apply(key);
            if (value != null) {
                out.add(new Synonym(key, value, source));
            }
        }
    }

    static String render(ConfigDef.Type type, Object value) {
        if (value == null || value == ConfigDef.NO_DEFAULT_VALUE) {
            return null;
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof org.apache.kafka.common.config.types.Password) {
            return null;
        }
        return String.valueOf(value);
    }
}
