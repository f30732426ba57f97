package io.samsa.tools;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The tables {@code kafka-consumer-groups.sh} prints, in Kafka's layout: left-aligned columns at least 15 wide
 * that widen to their longest value, "-" for what is unknown, a blank line before each table.
 */
final class ConsumerGroupTables {
    static final String MISSING = "-";

    private ConsumerGroupTables() {
    }

    static String listStateTable(List<GroupListing> listings) {
        // Kafka's layout: the group column ten wider than the longest id, the state column twenty wide.
        int groupLen = Math.max(15, listings.stream().mapToInt(l -> l.groupId().length()).max().orElse(0)) + 10;
        String format = "%-" + groupLen + "s %-20s%n";
        StringBuilder out = new StringBuilder(String.format(format, "GROUP", "STATE"));
        for (GroupListing l : listings) {
            out.append(String.format(format, l.groupId(), l.groupState().map(GroupState::toString).orElse("Unknown")));
        }
        return out.toString();
    }

    /** One line of the offsets table; null fields print as "-". */
    record OffsetRow(String group, String topic, Integer partition, Long currentOffset, Long logEndOffset, Integer leaderEpoch,
                     String consumerId, String host, String clientId) {
        String lag() {
            return currentOffset == null || logEndOffset == null ? MISSING : String.valueOf(Math.max(0, logEndOffset - currentOffset));
        }
    }

    static String offsetsTable(List<OffsetRow> rows, boolean verbose) {
        int groupLen = 15;
        int topicLen = 15;
        int consumerIdLen = 15;
        int hostLen = 15;
        for (OffsetRow r : rows) {
            groupLen = Math.max(groupLen, r.group().length());
            topicLen = Math.max(topicLen, orMissing(r.topic()).length());
            consumerIdLen = Math.max(consumerIdLen, orMissing(r.consumerId()).length());
            hostLen = Math.max(hostLen, orMissing(r.host()).length());
        }
        String format = "\n%-" + groupLen + "s %-" + topicLen + "s %-10s " + (verbose ? "%-15s " : "") + "%-15s %-15s %-15s %-"
            + consumerIdLen + "s %-" + hostLen + "s %s";
        StringBuilder out = new StringBuilder();
        if (verbose) {
            out.append(String.format(format, "GROUP", "TOPIC", "PARTITION", "LEADER-EPOCH", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMER-ID", "HOST", "CLIENT-ID"));
        } else {
            out.append(String.format(format, "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMER-ID", "HOST", "CLIENT-ID"));
        }
        for (OffsetRow r : rows) {
            List<Object> values = new ArrayList<>(List.of(r.group(), orMissing(r.topic()), orMissing(r.partition())));
            if (verbose) {
                values.add(orMissing(r.leaderEpoch()));
            }
            values.addAll(List.of(orMissing(r.currentOffset()), orMissing(r.logEndOffset()), r.lag(), orMissing(r.consumerId()),
                orMissing(r.host()), orMissing(r.clientId())));
            out.append(String.format(format, values.toArray()));
        }
        return out.append('\n').toString();
    }

    static String membersTable(ConsumerGroupDescription description, boolean verbose) {
        String group = description.groupId();
        int groupLen = Math.max(15, group.length());
        int consumerIdLen = 15;
        int instanceIdLen = 17;
        int hostLen = 15;
        int clientIdLen = 15;
        List<MemberDescription> sortedMembers = new ArrayList<>(description.members());
        sortedMembers.sort(Comparator.comparing(MemberDescription::consumerId));
        for (MemberDescription m : sortedMembers) {
            consumerIdLen = Math.max(consumerIdLen, m.consumerId().length());
            instanceIdLen = Math.max(instanceIdLen, m.groupInstanceId().orElse(MISSING).length());
            hostLen = Math.max(hostLen, m.host().length());
            clientIdLen = Math.max(clientIdLen, m.clientId().length());
        }
        // Like Kafka's tool, the GROUP-INSTANCE-ID column appears only when some member is static.
        boolean anyStatic = sortedMembers.stream().anyMatch(m -> m.groupInstanceId().isPresent());
        String format = "\n%-" + groupLen + "s %-" + consumerIdLen + "s " + (anyStatic ? "%-" + instanceIdLen + "s " : "")
            + "%-" + hostLen + "s %-" + clientIdLen + "s %-15s " + (verbose ? "%-15s %-20s %-15s %-20s" : "");
        StringBuilder out = new StringBuilder();
        List<Object> header = new ArrayList<>(List.of("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS"));
        if (!anyStatic) {
            header.remove("GROUP-INSTANCE-ID");
        }
        if (verbose) {
            header.addAll(List.of("CURRENT-EPOCH", "CURRENT-ASSIGNMENT", "TARGET-EPOCH", "TARGET-ASSIGNMENT"));
        }
        out.append(String.format(format, header.toArray()));
        for (MemberDescription m : sortedMembers) {
            List<Object> values = new ArrayList<>(List.of(group, m.consumerId(), m.groupInstanceId().orElse(MISSING), m.host(),
                m.clientId(), m.assignment().topicPartitions().size()));
            if (!anyStatic) {
                values.remove(2);
            }
            if (verbose) {
                // Member and target epochs belong to the consumer protocol (KIP-848); a classic member has none.
                values.addAll(List.of(m.memberEpoch().map(String::valueOf).orElse(MISSING), assignment(m.assignment().topicPartitions()),
                    description.targetAssignmentEpoch().map(String::valueOf).orElse(MISSING), m.targetAssignment().map(a -> assignment(a.topicPartitions())).orElse(MISSING)));
            }
            out.append(String.format(format, values.toArray()));
        }
        return out.append('\n').toString();
    }

    /** "topic1(0,1,2);topic2(0)" or "-". */
    private static String assignment(Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return MISSING;
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        return byTopic.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue().stream().sorted().map(String::valueOf).collect(Collectors.joining(",")))
            .collect(Collectors.joining(";"));
    }

    static String stateTable(ConsumerGroupDescription description, boolean verbose) {
        Node node = description.coordinator();
        String coordinator = node == null ? MISSING : node.host() + ":" + node.port() + "  (" + node.idString() + ")";
        int groupLen = Math.max(15, description.groupId().length());
        int coordinatorLen = Math.max(25, coordinator.length());
        String assignor = description.partitionAssignor() == null || description.partitionAssignor().isEmpty()
            ? "" : description.partitionAssignor();
        StringBuilder out = new StringBuilder();
        if (verbose) {
            String format = "\n%-" + groupLen + "s %-" + coordinatorLen + "s %-20s %-20s %-15s %-25s %s";
            out.append(String.format(format, "GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "GROUP-EPOCH",
                "TARGET-ASSIGNMENT-EPOCH", "#MEMBERS"));
            out.append(String.format(format, description.groupId(), coordinator, assignor, description.groupState(),
                description.groupEpoch().map(String::valueOf).orElse(MISSING),
                description.targetAssignmentEpoch().map(String::valueOf).orElse(MISSING), description.members().size()));
        } else {
            String format = "\n%-" + groupLen + "s %-" + coordinatorLen + "s %-20s %-20s %s";
            out.append(String.format(format, "GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"));
            out.append(String.format(format, description.groupId(), coordinator, assignor, description.groupState(),
                description.members().size()));
        }
        return out.append('\n').toString();
    }

    private static String orMissing(Object value) {
        return value == null ? MISSING : String.valueOf(value);
    }

    static String resetTable(Map<String, Map<TopicPartition, Long>> plans) {
        int groupLen = 15;
        int topicLen = 15;
        for (Map.Entry<String, Map<TopicPartition, Long>> e : plans.entrySet()) {
            groupLen = Math.max(groupLen, e.getKey().length());
            for (TopicPartition tp : e.getValue().keySet()) {
                topicLen = Math.max(topicLen, tp.topic().length());
            }
        }
        String format = "%n%-" + groupLen + "s %-" + topicLen + "s %-10s %s";
        StringBuilder out = new StringBuilder(String.format(format, "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"));
        plans.forEach((group, plan) -> plan.forEach((tp, offset) ->
            out.append(String.format(format, group, tp.topic(), tp.partition(), offset))));
        return out.append(System.lineSeparator()).toString();
    }
}
