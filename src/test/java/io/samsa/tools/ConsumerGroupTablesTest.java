package io.samsa.tools;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The consumer-groups tables in Kafka's layout, from descriptions built by hand (no group coordinator needed). */
class ConsumerGroupTablesTest {
    private static final MemberDescription MEMBER = new MemberDescription("consumer-readers-1-7d1f", Optional.empty(),
        "consumer-readers-1", "/127.0.0.1", new MemberAssignment(Set.of(new TopicPartition("orders", 1), new TopicPartition("orders", 0))));
    private static final MemberDescription IDLE = new MemberDescription("consumer-readers-2-aa01", Optional.of("static-2"),
        "consumer-readers-2", "/127.0.0.1", new MemberAssignment(Set.of()));
    private static final ConsumerGroupDescription GROUP = new ConsumerGroupDescription("readers", false, List.of(MEMBER, IDLE),
        "range", GroupType.CLASSIC, GroupState.STABLE, new Node(1, "localhost", 9092), Set.of(), Optional.empty(), Optional.empty());

    @Test
    void offsetsTableHasABlankLineTheHeaderAndDashesForTheUnknown() {
        List<ConsumerGroupTables.OffsetRow> rows = List.of(
            new ConsumerGroupTables.OffsetRow("readers", "orders", 0, 5L, 8L, null, "consumer-readers-1-7d1f", "/127.0.0.1", "consumer-readers-1"),
            new ConsumerGroupTables.OffsetRow("readers", "orders", 1, null, 3L, null, "consumer-readers-1-7d1f", "/127.0.0.1", "consumer-readers-1"),
            new ConsumerGroupTables.OffsetRow("readers", "payments", 0, 10L, 10L, null, null, null, null));

        assertThat(ConsumerGroupTables.offsetsTable(rows, false)).isEqualTo("\n"
            + "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID             HOST            CLIENT-ID\n"
            + "readers         orders          0          5               8               3               consumer-readers-1-7d1f /127.0.0.1      consumer-readers-1\n"
            + "readers         orders          1          -               3               -               consumer-readers-1-7d1f /127.0.0.1      consumer-readers-1\n"
            + "readers         payments        0          10              10              0               -                       -               -\n");
    }

    @Test
    void membersTableCountsPartitionsAndShowsTheAssignmentWhenVerbose() {
        assertThat(ConsumerGroupTables.membersTable(GROUP, false)).isEqualTo("\n"
            + "GROUP           CONSUMER-ID             GROUP-INSTANCE-ID HOST            CLIENT-ID          #PARTITIONS     \n"
            + "readers         consumer-readers-1-7d1f -                 /127.0.0.1      consumer-readers-1 2               \n"
            + "readers         consumer-readers-2-aa01 static-2          /127.0.0.1      consumer-readers-2 0               \n");
        // Kafka's verbose columns; a classic member has no epochs.
        assertThat(ConsumerGroupTables.membersTable(GROUP, true))
            .contains("#PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   \n")
            .contains(" 2               -               orders:0,1           -               -                   \n");
    }

    @Test
    void stateTableNamesTheCoordinatorStrategyStateAndMemberCount() {
        assertThat(ConsumerGroupTables.stateTable(GROUP, false)).isEqualTo("\n"
            + "GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\n"
            + "readers         localhost:9092  (1)       range                Stable               2\n");
    }

    @Test
    void listWithStatesAndResetPlanAreTables() {
        assertThat(ConsumerGroupTables.listStateTable(List.of(
            new GroupListing("readers", Optional.of(GroupType.CLASSIC), "consumer", Optional.of(GroupState.EMPTY)))))
            .isEqualTo(String.format("%-25s %-20s%n%-25s %-20s%n", "GROUP", "STATE", "readers", "Empty"));
        Map<TopicPartition, Long> plan = new LinkedHashMap<>();
        plan.put(new TopicPartition("orders", 0), 0L);
        plan.put(new TopicPartition("orders", 1), 42L);
        assertThat(ConsumerGroupTables.resetTable(Map.of("readers", plan))).isEqualTo(String.format("%n"
            + "GROUP           TOPIC           PARTITION  NEW-OFFSET%n"
            + "readers         orders          0          0%n"
            + "readers         orders          1          42%n"));
    }

    @Test
    void commandLineMistakesAreOneLineBeforeAnyConnection() {
        assertThat(ToolRun.of(ConsumerGroupsCommand::run, "--bootstrap-server", "localhost:1", "--describe")).isEqualTo(
            new ToolRun(1, "", "Option --describe takes one of these options: --all-groups, --group\n"));
        assertThat(ToolRun.of(ConsumerGroupsCommand::run, "--bootstrap-server", "localhost:1", "--group", "g")).isEqualTo(
            new ToolRun(1, "", "Command must include exactly one action: --list, --describe, --delete, --reset-offsets\n"));
        assertThat(ToolRun.of(ConsumerGroupsCommand::run, "--bootstrap-server", "localhost:1", "--reset-offsets", "--group", "g",
            "--to-earliest", "--execute")).isEqualTo(new ToolRun(1, "", "One of the reset scopes should be defined: --all-topics, --topic.\n"));
        assertThat(ToolRun.of(ConsumerGroupsCommand::run, "--bootstrap-server", "localhost:1", "--reset-offsets", "--group", "g",
            "--all-topics", "--execute")).isEqualTo(new ToolRun(1, "", "Option --reset-offsets takes exactly one of these options: "
            + "--to-datetime, --by-duration, --to-earliest, --to-latest, --shift-by, --to-offset, --to-current\n"));
        assertThat(ToolRun.of(ConsumerGroupsCommand::run, "--bootstrap-server", "127.0.0.1:1", "--list").err())
            .isEqualTo("could not reach 127.0.0.1:1 (Connection refused): is a broker running there?\n");
        assertThat(ToolRun.of(ConsumerGroupsCommand::run, "--help").out()).startsWith("Usage: kafka-consumer-groups.sh")
            .contains("--reset-offsets", "--shift-by", "--to-datetime");
    }

    @Test
    void datetimesAndDurationsParseAsKafkasToolTakesThem() {
        assertThat(ConsumerGroupsCommand.parseDatetime("2024-01-02T03:04:05.000Z")).isEqualTo(1704164645000L);
        assertThat(ConsumerGroupsCommand.parseDatetime("2024-01-02T03:04:05.000+01:00")).isEqualTo(1704164645000L - 3_600_000L);
        assertThat(ConsumerGroupsCommand.parseDuration("PT1H30M").toMinutes()).isEqualTo(90);
        assertThat(ConsumerGroupsCommand.parseDuration("P1DT2H").toHours()).isEqualTo(26);
    }
}
