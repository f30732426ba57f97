package io.samsa.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusPrinter;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The broker's SLF4J binding: logback, set up by {@link ConsoleLogConfigurator} directly. The broker names it in
 * {@code slf4j.provider}, which spares start-up two service look-ups (SLF4J's for a binding, logback's for a
 * configurator), each of which opens every jar on the class path, and logback's own start-up bookkeeping (version
 * checks, a timed status message and the date formatter behind it): the main thread's logging set-up took 50 ms of
 * CPU with them and 23 ms without, in a sampling profile of {@code samsa server}.
 *
 * <p>An explicit {@code -Dlogback.configurationFile}, or a {@code logback-test.xml} in a class-path directory (the
 * tests' set-up), gets logback's usual search instead.
 */
public final class ConsoleLogProvider implements SLF4JServiceProvider {
    /** The SLF4J API version logback 1.5 declares; SLF4J warns about providers that ask for another series. */
    private static final String REQUESTED_API_VERSION = "2.0.99";

    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdcAdapter = new LogbackMDCAdapter();

    @Override
    public void initialize() {
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdcAdapter);
        if (System.getProperty("logback.configurationFile") != null || testConfigurationInClassPathDirectory()) {
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                System.err.println("Samsa: logback configuration failed: " + e);
            }
            if (!StatusUtil.contextHasStatusListener(context)) {
                StatusPrinter.printInCaseOfErrorsOrWarnings(context);
            }
        } else {
            ConsoleLogConfigurator.configureConsole(context);
        }
        context.start();
    }

    private static boolean testConfigurationInClassPathDirectory() {
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && !entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry, "logback-test.xml"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return REQUESTED_API_VERSION;
    }
}
