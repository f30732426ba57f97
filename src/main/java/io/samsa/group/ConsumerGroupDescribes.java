package io.samsa.group;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Assignment;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.TopicPartitions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How ConsumerGroupDescribe shows a consumer-protocol group: epochs, assignor, members and their assignments. */
final class ConsumerGroupDescribes {
    /** ConsumerGroupDescribe v1's MemberType of a member using the consumer protocol. */
    private static final byte CONSUMER_MEMBER_TYPE = 1;

    private ConsumerGroupDescribes() {
    }

    static void describe(ConsumerGroup group, ConsumerGroupDescribeResponseData.DescribedGroup described,
                         TopicCatalog catalog) {
        described.setGroupState(group.state()).setGroupEpoch(group.groupEpoch)
            .setAssignmentEpoch(group.assignmentEpoch)
            .setAssignorName(group.assignorName == null ? "" : group.assignorName);
        for (ConsumerMember m : group.members.values()) {
            described.members().add(new ConsumerGroupDescribeResponseData.Member()
                .setMemberId(m.memberId).setInstanceId(m.instanceId).setRackId(m.rackId)
                .setMemberEpoch(m.memberEpoch).setClientId(m.clientId == null ? "" : m.clientId)
                .setClientHost(m.clientHost == null ? "" : m.clientHost)
                .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames))
                .setSubscribedTopicRegex(m.subscribedTopicRegex)
                .setAssignment(assignment(m.assigned, catalog))
                .setTargetAssignment(assignment(group.targetAssignment.getOrDefault(m.memberId, Map.of()), catalog))
                .setMemberType(CONSUMER_MEMBER_TYPE));
        }
    }

    private static Assignment assignment(Map<Uuid, Set<Integer>> partitions, TopicCatalog catalog) {
        List<TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((id, set) -> {
            TopicCatalog.Topic topic = catalog.byId(id);
            if (!set.isEmpty()) {
                topics.add(new TopicPartitions().setTopicId(id).setTopicName(topic == null ? "" : topic.name())
                    .setPartitions(new ArrayList<>(set)));
            }
        });
        return new Assignment().setTopicPartitions(topics);
    }
}
