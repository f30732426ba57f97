/** Command-line entry points: the {@code samsa} command that runs and describes the broker. */
package io.samsa.tools;
