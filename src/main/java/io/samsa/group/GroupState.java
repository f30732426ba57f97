package io.samsa.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a classic group, with Kafka's names (as ListGroups and DescribeGroups report them) and
 * the transitions Kafka allows.
 */
public enum GroupState {
    /** No members; the group may still hold committed offsets. */
    EMPTY("Empty"),
    /** Members are (re)joining; JoinGroup responses are held until all have joined or the rebalance times out. */
    PREPARING_REBALANCE("PreparingRebalance"),
    /** The new generation is formed; waiting for the leader's assignment in SyncGroup. */
    COMPLETING_REBALANCE("CompletingRebalance"),
    /** Every member has its assignment; heartbeats keep the members' sessions alive. */
    STABLE("Stable"),
    /** The group was deleted; a reference to it is stale. */
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    @Override
    public String toString() {
        return kafkaName;
    }

    /** States a group may move to this one from. */
    Set<GroupState> validPreviousStates() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.allOf(GroupState.class);
        };
    }
}
