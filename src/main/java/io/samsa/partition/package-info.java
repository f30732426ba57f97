/**
 * Partition replicas on this broker: the {@link io.samsa.partition.PartitionManager} opens a
 * {@link io.samsa.partition.Partition} for every partition the metadata assigns here, routes appends and
 * reads to it, and parks operations that must wait (a long-poll fetch) until data arrives or time runs out.
 */
package io.samsa.partition;
