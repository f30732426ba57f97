/**
 * Cluster metadata: topics, partitions, topic ids, configs and producer-id blocks kept as an ordered log
 * of {@link io.samsa.metadata.MetadataRecord}s that every broker applies to an immutable
 * {@link io.samsa.metadata.MetadataImage}. The {@link io.samsa.metadata.Controller} validates changes and
 * turns them into records; a {@link io.samsa.metadata.MetadataStore} makes them durable (a local file for
 * one broker; a Raft quorum for a cluster).
 */
package io.samsa.metadata;
