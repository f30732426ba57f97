/**
 * Request dispatch: decodes a frame with kafka-clients' generated message classes, checks the version
 * against what Samsa advertises in ApiVersions, and hands the message to the one handler registered for
 * its API key. Handlers are thin: they translate between protocol messages and the packages that own
 * the data (metadata, partition, log).
 */
package io.samsa.protocol;
