package io.samsa.group;

import org.apache.kafka.common.Uuid;

import java.util.Collection;

/**
 * The topics the consumer group protocol assigns from: the coordinator's view of the cluster metadata,
 * supplied by the request handlers with each request so that assignments follow topic creation, deletion
 * and partition growth.
 */
public interface TopicCatalog {

    /** A topic as assignors see it. */
    record Topic(String name, Uuid id, int partitions) {
    }

    /** The topic of that name, or null. */
    Topic byName(String name);

    /** The topic with that id, or null. */
    Topic byId(Uuid id);

    /** Every topic name, for subscriptions by regular expression. */
    Collection<String> names();
}
