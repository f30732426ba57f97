/**
 * Command-line entry points: the {@code samsa} command that runs the broker (and a demo data generator), and
 * Samsa's own tools with the names, options, output and exit codes of Kafka's ({@code kafka-topics.sh},
 * {@code kafka-console-producer.sh}, {@code kafka-console-consumer.sh}, {@code kafka-configs.sh},
 * {@code kafka-consumer-groups.sh}). The tools are plain clients of kafka-clients' Admin, Producer and Consumer;
 * each has a {@code run(String[], ToolIo)} that returns the exit code, so tests run them in-process.
 */
package io.samsa.tools;
