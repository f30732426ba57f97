/**
 * Everything one partition keeps on disk, and the rules for changing it.
 *
 * <p>{@link io.samsa.log.Log} is the entry point: one per partition, in
 * {@code <logDir>/<topic>-<partition>/}. The layout is Kafka's, so Kafka's tools and mental
 * model carry over:
 * <ul>
 *   <li>{@code <20-digit base offset>.log}: magic-v2 record batches back to back, the same bytes
 *       a producer sent, with offsets, leader epoch and (for LogAppendTime) the timestamp
 *       rewritten in the header; {@link io.samsa.log.LogSegment}.</li>
 *   <li>{@code <base>.index} and {@code <base>.timeindex}: sparse memory-mapped indexes, an
 *       entry every {@code index.interval.bytes}; {@link io.samsa.log.OffsetIndex},
 *       {@link io.samsa.log.TimeIndex}.</li>
 *   <li>{@code leader-epoch-checkpoint}: epoch to start offset, for OffsetForLeaderEpoch;
 *       {@link io.samsa.log.LeaderEpochCache}.</li>
 *   <li>{@code <offset>.snapshot}: idempotent-producer state as of that offset;
 *       {@link io.samsa.log.ProducerStateManager}.</li>
 *   <li>{@code log-start-offset}, {@code recovery-point} and the {@code clean-shutdown} marker,
 *       which tell {@link io.samsa.log.LogLoader} where the log begins and how much to scan
 *       after a crash.</li>
 *   <li>{@code cleaner-offset-checkpoint}: for a compacted topic, the offset below which the log
 *       is compacted (Kafka keeps one such file per log directory; Samsa one per partition).
 *       While a segment is being rewritten its files carry {@code .cleaned}, then {@code .swap}
 *       suffixes.</li>
 * </ul>
 *
 * <p>Compaction ({@code cleanup.policy=compact}) is {@link io.samsa.log.LogCleaner}: background
 * threads that pick the dirtiest log ({@link io.samsa.log.CleanableRange}) and rewrite it
 * ({@link io.samsa.log.LogCompactor}, with an {@link io.samsa.log.OffsetMap} of key to latest
 * offset), swapping the new segments in through {@link io.samsa.log.Log#replaceSegments}.
 *
 * <p>Errors a client can cause surface as kafka-clients {@code ApiException} subclasses, so the
 * broker maps them with {@code Errors.forException}; disk failures surface as
 * {@code KafkaStorageException}.
 */
package io.samsa.log;
