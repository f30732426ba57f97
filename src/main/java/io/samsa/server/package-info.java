/**
 * The broker process: wires configuration, metadata, partitions, handlers and the network together,
 * starts and stops them in order, and offers {@link io.samsa.server.EmbeddedBroker} for running one
 * inside another JVM.
 */
package io.samsa.server;
