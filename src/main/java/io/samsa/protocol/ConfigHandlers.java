package io.samsa.protocol;

import io.samsa.config.ServerConfig;
import io.samsa.log.LogConfig;
import io.samsa.metadata.Controller;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.TopicImage;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs for topics and this broker. Alterations are answered
 * when the controller has committed them and this broker applied them, without waiting on the event loop.
 */
public final class ConfigHandlers {
    private final Controller controller;
    private final ConfigDescriber describer;
    private final int nodeId;

    ConfigHandlers(Controller controller, ConfigDescriber describer, int nodeId) {
        this.controller = controller;
        this.describer = describer;
        this.nodeId = nodeId;
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.DESCRIBE_CONFIGS, 1, 4, this::describeConfigs);
        dispatcher.register(ApiKeys.ALTER_CONFIGS, 0, 2, this::alterConfigs);
        dispatcher.register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1, this::incrementalAlterConfigs);
    }

    CompletableFuture<ApiMessage> describeConfigs(RequestContext context, DescribeConfigsRequestData request) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        MetadataImage image = controller.image();
        for (DescribeConfigsRequestData.DescribeConfigsResource resource : request.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
            List<ConfigDescriber.Entry> entries;
            if (type == ConfigResource.Type.TOPIC) {
                TopicImage topic = image.topic(resource.resourceName());
                if (topic == null && !org.apache.kafka.common.internals.Topic.isValid(resource.resourceName())) {
                    response.results().add(result.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code())
                        .setErrorMessage("Topic name '" + resource.resourceName() + "' is illegal"));
                    continue;
                }
                if (topic == null) {
                    response.results().add(result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage("Topic " + resource.resourceName() + " does not exist"));
                    continue;
                }
                entries = describer.describeTopic(topic, image);
            } else if (type == ConfigResource.Type.BROKER) {
                ApiError error = checkBrokerName(resource.resourceName());
                if (error != null) {
                    response.results().add(result.setErrorCode(error.error().code()).setErrorMessage(error.message()));
                    continue;
                }
                entries = describer.describeBroker(resource.resourceName(), image);
            } else {
                response.results().add(result.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Unsupported resource type " + type));
                continue;
            }
            Set<String> wanted = resource.configurationKeys() == null ? null : new HashSet<>(resource.configurationKeys());
            for (ConfigDescriber.Entry entry : entries) {
                if (wanted != null && !wanted.contains(entry.name())) {
                    continue;
                }
                DescribeConfigsResourceResult config = new DescribeConfigsResourceResult()
                    .setName(entry.name()).setValue(entry.value()).setReadOnly(entry.readOnly())
                    .setConfigSource(entry.source().id()).setIsSensitive(entry.sensitive())
                    .setConfigType(configType(entry.type()).id())
                    .setDocumentation(request.includeDocumentation() ? entry.documentation() : null);
                if (request.includeSynonyms()) {
                    for (ConfigDescriber.Synonym s : entry.synonyms()) {
                        config.synonyms().add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value()).setSource(s.source().id()));
                    }
                }
                result.configs().add(config);
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    CompletableFuture<ApiMessage> alterConfigs(RequestContext context, AlterConfigsRequestData request) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource resource : request.resources()) {
            Map<String, String> changes = new LinkedHashMap<>();
            List<String> nulls = new ArrayList<>();
            boolean duplicates = false;
            for (AlterConfigsRequestData.AlterableConfig c : resource.configs()) {
                duplicates |= changes.containsKey(c.name());
                if (c.value() == null) {
                    nulls.add(c.name());
                }
                changes.put(c.name(), c.value());
            }
            CompletableFuture<ApiError> outcome;
            if (duplicates) {
                outcome = CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST, "Error due to duplicate config keys"));
            } else if (!nulls.isEmpty()) {
                outcome = CompletableFuture.completedFuture(
                    new ApiError(Errors.INVALID_REQUEST, "Null value not supported for : " + String.join(",", nulls)));
            } else {
                outcome = apply(resource.resourceType(), resource.resourceName(), current -> changes, true, request.validateOnly());
            }
            AlterConfigsResponseData.AlterConfigsResourceResponse result = new AlterConfigsResponseData.AlterConfigsResourceResponse()
                .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            pending.add(outcome.thenAccept(error ->
                result.setErrorCode(error.error().code()).setErrorMessage(error.isFailure() ? error.message() : null)));
        }
        return whenAll(pending, response);
    }

    /** The response once every resource's future is done (each fills its own result). */
    private static CompletableFuture<ApiMessage> whenAll(List<CompletableFuture<?>> pending, ApiMessage response) {
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    CompletableFuture<ApiMessage> incrementalAlterConfigs(RequestContext context, IncrementalAlterConfigsRequestData request) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource resource : request.resources()) {
            ApiError error = checkIncrementalShape(resource);
            CompletableFuture<ApiError> outcome = null;
            if (error == null) {
                // The operations are resolved on the controller thread, against the overrides in place when the
                // change is decided: an APPEND never reads a value another alteration is still committing.
                outcome = apply(resource.resourceType(), resource.resourceName(), current -> resolveIncremental(resource, current),
                    false, request.validateOnly());
            } else {
                outcome = CompletableFuture.completedFuture(error);
            }
            IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse result = new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            pending.add(outcome.thenAccept(e ->
                result.setErrorCode(e.error().code()).setErrorMessage(e.isFailure() ? e.message() : null)));
        }
        return whenAll(pending, response);
    }

    /** Kafka's checks before any config is looked at: each key once, a value for all but DELETE. */
    private static ApiError checkIncrementalShape(IncrementalAlterConfigsRequestData.AlterConfigsResource resource) {
        Set<String> names = new HashSet<>();
        List<String> nulls = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterableConfig c : resource.configs()) {
            if (!names.add(c.name())) {
                return new ApiError(Errors.INVALID_REQUEST, "Error due to duplicate config keys");
            }
            if (c.value() == null && c.configOperation() != AlterConfigOp.OpType.DELETE.id()) {
                nulls.add(c.name());
            }
        }
        if (!nulls.isEmpty()) {
            return new ApiError(Errors.INVALID_REQUEST, "Null value not supported for : " + String.join(",", nulls));
        }
        return null;
    }

    /**
     * Turns SET / DELETE / APPEND / SUBTRACT operations into final values (null: remove the override), given the
     * resource's current overrides. Runs on the controller thread.
     */
    private static Map<String, String> resolveIncremental(IncrementalAlterConfigsRequestData.AlterConfigsResource resource,
                                                          Map<String, String> current) {
        ConfigDef def = ConfigResource.Type.forId(resource.resourceType()) == ConfigResource.Type.TOPIC
            ? LogConfig.CONFIG_DEF : ServerConfig.CONFIG_DEF;
        Map<String, String> changes = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (IncrementalAlterConfigsRequestData.AlterableConfig c : resource.configs()) {
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("Config " + c.name() + " appears more than once");
            }
            switch (c.configOperation()) {
                case 0 -> changes.put(c.name(), c.value());
                case 1 -> changes.put(c.name(), null);
                case 2, 3 -> {
                    ConfigDef.ConfigKey key = def.configKeys().get(c.name());
                    if (key == null || key.type != ConfigDef.Type.LIST) {
                        throw new IllegalArgumentException("Config value append/subtract is only supported for LIST type configs: " + c.name());
                    }
                    String base = current.get(c.name());
                    if (base == null && key.defaultValue instanceof List<?> list) {
                        base = String.join(",", list.stream().map(String::valueOf).toList());
                    }
                    List<String> values = new ArrayList<>();
                    if (base != null && !base.isBlank()) {
                        values.addAll(Arrays.asList(base.split("\\s*,\\s*")));
                    }
                    List<String> operand = c.value() == null ? List.of() : Arrays.asList(c.value().split("\\s*,\\s*"));
                    if (c.configOperation() == 2) {
                        for (String v : operand) {
                            if (!values.contains(v)) {
                                values.add(v);
                            }
                        }
                    } else {
                        values.removeAll(operand);
                    }
                    changes.put(c.name(), String.join(",", values));
                }
                default -> throw new IllegalArgumentException("Unknown config operation " + c.configOperation());
            }
        }
        return changes;
    }

    private CompletableFuture<ApiError> apply(byte resourceType, String resourceName, Controller.ConfigChanges changes,
                                              boolean replaceAll, boolean validateOnly) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.TOPIC) {
            return controller.alterTopicConfigs(resourceName, changes, replaceAll, validateOnly);
        }
        if (type == ConfigResource.Type.BROKER) {
            ApiError error = checkBrokerName(resourceName);
            if (error != null) {
                return CompletableFuture.completedFuture(error);
            }
            return controller.alterBrokerConfigs(resourceName, changes, replaceAll, validateOnly);
        }
        return CompletableFuture.completedFuture(new ApiError(Errors.INVALID_REQUEST, "Unsupported resource type " + type));
    }

    private ApiError checkBrokerName(String name) {
        if (name.isEmpty()) {
            return null;
        }
        try {
            if (Integer.parseInt(name) == nodeId) {
                return null;
            }
        } catch (NumberFormatException e) {
            return new ApiError(Errors.INVALID_REQUEST, "Broker id must be an integer, but it is: " + name);
        }
        return new ApiError(Errors.INVALID_REQUEST, "Unexpected broker id, expected " + nodeId + " or empty string, but received " + name);
    }

    private static DescribeConfigsResponse.ConfigType configType(ConfigDef.Type type) {
        if (type == null) {
            return DescribeConfigsResponse.ConfigType.UNKNOWN;
        }
        return switch (type) {
            case BOOLEAN -> DescribeConfigsResponse.ConfigType.BOOLEAN;
            case STRING -> DescribeConfigsResponse.ConfigType.STRING;
            case INT -> DescribeConfigsResponse.ConfigType.INT;
            case SHORT -> DescribeConfigsResponse.ConfigType.SHORT;
            case LONG -> DescribeConfigsResponse.ConfigType.LONG;
            case DOUBLE -> DescribeConfigsResponse.ConfigType.DOUBLE;
            case LIST -> DescribeConfigsResponse.ConfigType.LIST;
            case CLASS -> DescribeConfigsResponse.ConfigType.CLASS;
            case PASSWORD -> DescribeConfigsResponse.ConfigType.PASSWORD;
        };
    }
}
