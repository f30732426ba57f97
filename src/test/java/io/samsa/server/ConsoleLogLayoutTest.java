package io.samsa.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's built-in log line, as the pattern {@code %d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n} prints it. */
class ConsoleLogLayoutTest {

    private final LoggerContext context = new LoggerContext();

    private String layout(Level level, String message, Throwable thrown, long timeMs) {
        ConsoleLogLayout layout = new ConsoleLogLayout();
        layout.setContext(context);
        layout.start();
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("io.samsa.log.LogLoader"), level, message, thrown,
            new Object[] {"x"});
        event.setTimeStamp(timeMs);
        return layout.doLayout(event);
    }

    @Test
    void lineHasLocalTimeLevelPaddedToFiveSimpleLoggerNameAndFormattedMessage() {
        long time = 1_764_567_890_123L;
        String expectedTime = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault())
            .format(Instant.ofEpochMilli(time));
        assertThat(layout(Level.INFO, "recovered {}", null, time))
            .isEqualTo(expectedTime + " INFO  LogLoader - recovered x" + System.lineSeparator());
        assertThat(layout(Level.ERROR, "m", null, time)).startsWith(expectedTime + " ERROR LogLoader - m");
    }

    @Test
    void midnightAndTimesBeforeTheEpochFormatAsTimesOfDay() {
        assertThat(layout(Level.WARN, "m", null, 0L)).matches("\\d{2}:\\d{2}:00\\.000 WARN  LogLoader - m\\R");
        assertThat(layout(Level.WARN, "m", null, -1L)).matches("\\d{2}:\\d{2}:59\\.999 WARN  LogLoader - m\\R");
    }

    @Test
    void stackTraceFollowsTheMessage() {
        String line = layout(Level.ERROR, "failed", new IllegalStateException("boom"), 0L);
        assertThat(line.lines().toList().get(1)).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(line).contains("\tat io.samsa.server.ConsoleLogLayoutTest.stackTraceFollowsTheMessage")
            .endsWith(")" + System.lineSeparator());
    }
}
