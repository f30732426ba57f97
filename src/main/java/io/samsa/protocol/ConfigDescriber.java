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

    private final ServerConfig config;
    private final int nodeId;
    private final Supplier<Map<String, Object>> effectiveTopicDefaults;

    ConfigDescriber(ServerConfig config, int nodeId, Supplier<Map<String, Object>> effectiveTopicDefaults) {
        this.config = config;
        this.nodeId = nodeId;
        this.effectiveTopicDefaults = effectiveTopicDefaults;
    }

    List<Entry> describeTopic(TopicImage topic, MetadataImage image) {
        List<Entry> entries = new ArrayList<>();
        for (ConfigDef.ConfigKey key : LogConfig.CONFIG_DEF.configKeys().values()) {
            if (key.internalConfig) {
                continue;
            }
            List<Synonym> synonyms = new ArrayList<>();
            String override = topic.configs().get(key.name);
            if (override != null) {
                synonyms.add(new Synonym(key.name, override, ConfigSource.TOPIC_CONFIG));
            }
            for (String brokerKey : ServerConfig.TOPIC_CONFIG_SYNONYMS.getOrDefault(key.name, List.of())) {
                brokerSynonyms(brokerKey, image, synonyms);
            }
            Synonym winner = synonyms.isEmpty() ? null : synonyms.get(0);
            String value;
            ConfigSource source;
            if (winner != null && winner.source() == ConfigSource.TOPIC_CONFIG) {
                value = winner.value();
                source = ConfigSource.TOPIC_CONFIG;
            } else {
                Object effective = LogConfig.fromMap(effectiveTopicDefaults.get(), topic.configs()).values().get(key.name);
                value = render(key.type, effective);
                source = winner == null ? ConfigSource.DEFAULT_CONFIG : winner.source();
            }
            if (winner == null || winner.source() != ConfigSource.TOPIC_CONFIG) {
                synonyms.add(new Synonym(key.name, render(key.type, key.defaultValue), ConfigSource.DEFAULT_CONFIG));
            }
            entries.add(new Entry(key.name, value, source, false, false, key.type, key.documentation, synonyms));
        }
        return entries;
    }

    List<Entry> describeBroker(String resourceName, MetadataImage image) {
        List<Entry> entries = new ArrayList<>();
        for (ConfigDef.ConfigKey key : ServerConfig.CONFIG_DEF.configKeys().values()) {
            List<Synonym> synonyms = new ArrayList<>();
            brokerSynonyms(key.name, image, synonyms);
            String defaultValue = render(key.type, key.defaultValue);
            if (defaultValue != null) {
                synonyms.add(new Synonym(key.name, defaultValue, ConfigSource.DEFAULT_CONFIG));
            }
            Synonym winner = synonyms.isEmpty() ? null : synonyms.get(0);
            String value = winner == null ? null : winner.value();
            ConfigSource source = winner == null ? ConfigSource.DEFAULT_CONFIG : winner.source();
            boolean readOnly = !io.samsa.metadata.Controller.dynamicBrokerKeys().contains(key.name);
            entries.add(new Entry(key.name, value, source, readOnly, false, key.type, key.documentation, synonyms));
        }
        return entries;
    }

    private void brokerSynonyms(String brokerKey, MetadataImage image, List<Synonym> out) {
        String perBroker = image.brokerConfigs(String.valueOf(nodeId)).get(brokerKey);
        if (perBroker != null) {
            out.add(new Synonym(brokerKey, perBroker, ConfigSource.DYNAMIC_BROKER_CONFIG));
        }
        String clusterDefault = image.brokerConfigs("").get(brokerKey);
        if (clusterDefault != null) {
            out.add(new Synonym(brokerKey, clusterDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
        }
        Object staticValue = config.originals().get(brokerKey);
        if (staticValue != null) {
            out.add(new Synonym(brokerKey, String.valueOf(staticValue), ConfigSource.STATIC_BROKER_CONFIG));
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
