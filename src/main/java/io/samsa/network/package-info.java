/**
 * Sockets: Kafka's size-prefixed framing on Netty, one {@link io.samsa.network.ConnectionHandler} per
 * connection that answers pipelined requests in the order they arrived, and the response writer that
 * sends record data straight from segment files.
 */
package io.samsa.network;
