package io.samsa.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.util.TimeZone;

/**
 * {@code HH:mm:ss.SSS LEVEL Logger - message}, local time, then the stack trace if any: the broker's log line, the
 * same as the pattern {@code %d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n} without compiling that pattern.
 */
final class ConsoleLogLayout extends LayoutBase<ILoggingEvent> {

    private static final long DAY_MS = 24L * 60 * 60 * 1000;

    private final TimeZone zone = TimeZone.getDefault();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        appendTime(line, event.getTimeStamp());
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(' ');
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length());
        line.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            // One line per frame, each ending in a line separator.
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString();
    }

    private void appendTime(StringBuilder line, long epochMs) {
        long ms = Math.floorMod(epochMs + zone.getOffset(epochMs), DAY_MS);
        appendTwoDigits(line, (int) (ms / 3_600_000));
        line.append(':');
        appendTwoDigits(line, (int) (ms / 60_000 % 60));
        line.append(':');
        appendTwoDigits(line, (int) (ms / 1000 % 60));
        line.append('.');
        int millis = (int) (ms % 1000);
        line.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10));
    }

    private static void appendTwoDigits(StringBuilder line, int value) {
        line.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
