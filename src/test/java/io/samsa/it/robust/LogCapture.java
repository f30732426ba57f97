package io.samsa.it.robust;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Collects the log events of a logger (and its children) while open, to check what the broker said. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger;
    private final List<ILoggingEvent> events = new ArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    public static LogCapture of(String loggerName) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        LogCapture capture = new LogCapture(logger);
        capture.setContext(logger.getLoggerContext());
        capture.start();
        logger.addAppender(capture);
        return capture;
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        events.add(event);
    }

    /** The formatted messages logged at exactly this level so far. */
    public synchronized List<String> messages(Level level) {
        List<String> result = new ArrayList<>();
        for (ILoggingEvent event : events) {
            if (event.getLevel() == level) {
                result.add(event.getFormattedMessage());
            }
        }
        return result;
    }

    /** The class names of the throwables logged (with their stack traces) at exactly this level so far. */
    public synchronized List<String> throwables(Level level) {
        List<String> result = new ArrayList<>();
        for (ILoggingEvent event : events) {
            if (event.getLevel() == level && event.getThrowableProxy() != null) {
                result.add(event.getThrowableProxy().getClassName());
            }
        }
        return result;
    }

    /** Messages at WARN or above. */
    public synchronized List<String> warnings() {
        List<String> result = new ArrayList<>();
        for (ILoggingEvent event : events) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                result.add(event.getLevel() + " " + event.getFormattedMessage());
            }
        }
        return result;
    }

    public synchronized void clear() {
        events.clear();
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
