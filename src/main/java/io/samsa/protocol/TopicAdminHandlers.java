package io.samsa.protocol;

import io.samsa.metadata.Controller;
import io.samsa.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * CreateTopics, DeleteTopics and CreatePartitions: each topic's outcome decided by the controller. The response
 * goes out when every topic's change is committed and applied on this broker; nothing waits on the event loop.
 */
public final class TopicAdminHandlers {
    private final Controller controller;
    private final ConfigDescriber describer;

    TopicAdminHandlers(Controller controller, ConfigDescriber describer) {
        this.controller = controller;
        this.describer = describer;
    }

    public void registerWith(RequestDispatcher dispatcher) {
        dispatcher.register(ApiKeys.CREATE_TOPICS, 2, 7, this::createTopics);
        dispatcher.register(ApiKeys.DELETE_TOPICS, 1, 6, this::deleteTopics);
        dispatcher.register(ApiKeys.CREATE_PARTITIONS, 0, 3, this::createPartitions);
    }

    CompletableFuture<ApiMessage> createTopics(RequestContext context, CreateTopicsRequestData request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new TreeSet<>();
        for (CreatableTopic topic : request.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        for (CreatableTopic topic : request.topics()) {
            if (response.topics().find(topic.name()) != null) {
                continue;
            }
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name())
                .setNumPartitions(-1).setReplicationFactor((short) -1).setTopicConfigErrorCode(Errors.NONE.code());
            if (duplicates.contains(topic.name())) {
                setError(result, new ApiError(Errors.INVALID_REQUEST, "Create topics request from client `"
                    + context.clientId() + "` contains multiple entries for the following topics: " + String.join(", ", duplicates)));
                response.topics().add(result);
                continue;
            }
            Map<Integer, List<Integer>> assignments = new LinkedHashMap<>();
            topic.assignments().forEach(a -> assignments.put(a.partitionIndex(), a.brokerIds()));
            Map<String, String> configs = new LinkedHashMap<>();
            ApiError configError = null;
            for (CreateTopicsRequestData.CreatableTopicConfig c : topic.configs()) {
                if (c.value() == null) {
                    configError = new ApiError(Errors.INVALID_CONFIG, "Null value not supported for topic configs: " + c.name());
                }
                configs.put(c.name(), c.value());
            }
            if (configError != null) {
                setError(result, configError);
                response.topics().add(result);
                continue;
            }
            response.topics().add(result);
            pending.add(controller.createTopic(topic.name(), topic.numPartitions(),
                topic.replicationFactor(), assignments, configs, request.validateOnly()).thenAccept(created -> {
                    if (created.error().isFailure()) {
                        setError(result, created.error());
                    } else {
                        fill(result, created.topic());
                    }
                }));
        }
        return whenAll(pending, response);
    }

    /** The response once every topic's future is done (each fills its own result). */
    private static CompletableFuture<ApiMessage> whenAll(List<CompletableFuture<?>> pending, ApiMessage response) {
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    private void fill(CreatableTopicResult result, TopicImage topic) {
        result.setTopicId(topic.topicId())
            .setNumPartitions(topic.partitionCount())
            .setReplicationFactor((short) topic.partitions().get(0).replicas().size());
        List<CreatableTopicConfigs> configs = new ArrayList<>();
        for (ConfigDescriber.Entry entry : describer.describeTopic(topic, controller.image())) {
            configs.add(new CreatableTopicConfigs().setName(entry.name()).setValue(entry.value())
                .setReadOnly(entry.readOnly()).setConfigSource(entry.source().id()).setIsSensitive(entry.sensitive()));
        }
        result.setConfigs(configs);
    }

    private static void setError(CreatableTopicResult result, ApiError error) {
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
    }

    CompletableFuture<ApiMessage> deleteTopics(RequestContext context, DeleteTopicsRequestData request) {
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        List<DeleteTopicsRequestData.DeleteTopicState> targets = new ArrayList<>(request.topics());
        for (String name : request.topicNames()) {
            targets.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID));
        }
        Map<String, Integer> nameCounts = new HashMap<>();
        Map<Uuid, Integer> idCounts = new HashMap<>();
        for (DeleteTopicsRequestData.DeleteTopicState t : targets) {
            if (t.name() != null) {
                nameCounts.merge(t.name(), 1, Integer::sum);
            } else {
                idCounts.merge(t.topicId(), 1, Integer::sum);
            }
        }
        Set<String> answeredNames = new HashSet<>();
        Set<Uuid> answeredIds = new HashSet<>();
        for (DeleteTopicsRequestData.DeleteTopicState target : targets) {
            boolean repeated = target.name() != null ? !answeredNames.add(target.name()) : !answeredIds.add(target.topicId());
            if (repeated) {
                continue; // a duplicated topic gets one result, as in Kafka
            }
            DeletableTopicResult result = new DeletableTopicResult().setName(target.name()).setTopicId(Uuid.ZERO_UUID);
            if (target.name() != null && target.topicId() != null && !Uuid.ZERO_UUID.equals(target.topicId())) {
                error(result, Errors.INVALID_REQUEST, "Topic name and topic id cannot both be set.");
            } else if (target.name() != null && nameCounts.get(target.name()) > 1) {
                error(result, Errors.INVALID_REQUEST, "Duplicate topic name.");
            } else if (target.name() == null && idCounts.get(target.topicId()) > 1) {
                result.setTopicId(target.topicId() == null ? Uuid.ZERO_UUID : target.topicId());
                error(result, Errors.INVALID_REQUEST, "Duplicate topic id.");
            } else {
                // The name or id is looked up by the controller, after the changes asked for before this one.
                pending.add(controller.deleteTopic(target.name(), target.topicId()).thenAccept(deleted -> {
                    result.setName(deleted.name()).setTopicId(deleted.topicId());
                    setError(result, deleted.error());
                }));
            }
            response.responses().add(result);
        }
        return whenAll(pending, response);
    }

    private static void error(DeletableTopicResult result, Errors error, String message) {
        result.setErrorCode(error.code()).setErrorMessage(message);
    }

    private static void setError(DeletableTopicResult result, ApiError error) {
        result.setErrorCode(error.error().code()).setErrorMessage(error.isFailure() ? error.message() : null);
    }

    CompletableFuture<ApiMessage> createPartitions(RequestContext context, CreatePartitionsRequestData request) {
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        request.topics().forEach(t -> counts.merge(t.name(), 1, Integer::sum));
        Set<String> answered = new HashSet<>();
        for (CreatePartitionsRequestData.CreatePartitionsTopic topic : request.topics()) {
            if (!answered.add(topic.name())) {
                continue; // a duplicated topic gets one result, as in Kafka
            }
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            if (counts.get(topic.name()) > 1) {
                setError(result, new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."));
            } else {
                List<List<Integer>> assignments = topic.assignments() == null ? null
                    : topic.assignments().stream().map(a -> (List<Integer>) new ArrayList<>(a.brokerIds())).toList();
                pending.add(controller.createPartitions(topic.name(), topic.count(), assignments, request.validateOnly())
                    .thenAccept(error -> setError(result, error)));
            }
        }
        return whenAll(pending, response);
    }

    private static void setError(CreatePartitionsTopicResult result, ApiError error) {
        result.setErrorCode(error.error().code()).setErrorMessage(error.isFailure() ? error.message() : null);
    }
}
