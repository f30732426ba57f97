package io.samsa.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The broker's default logging, set up in code: INFO and above on stderr as {@code HH:mm:ss.SSS LEVEL Logger - message},
 * the Kafka client library and Netty at WARN.
 *
 * <p>Logback finds it through {@code META-INF/services} before it looks for XML. Parsing a {@code logback.xml} costs
 * the broker about 80 ms of start-up (an XML parser, logback's configuration model, a date-pattern compiler), a fifth
 * of the whole. An explicit {@code -Dlogback.configurationFile} (bin/samsa sets it from {@code SAMSA_LOGBACK}) or a
 * {@code logback-test.xml} on the class path still wins: this configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ConsoleLogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
            || ConsoleLogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configureConsole(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets up {@code context} as this class describes, whatever the system properties and class path say. */
    public static void configureConsole(LoggerContext context) {
        ConsoleLogLayout layout = new ConsoleLogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        context.getLogger("org.apache.kafka").setLevel(Level.WARN);
        context.getLogger("io.netty").setLevel(Level.WARN);
        quietRatis(context);
    }

    /**
     * Apache Ratis logs a voter that is down (at start-up, or killed) as errors with stack traces, once per retry: an
     * expected state of a cluster, which Samsa reports itself. Its other warnings stay.
     */
    static void quietRatis(LoggerContext context) {
        context.getLogger("org.apache.ratis").setLevel(Level.WARN);
        context.getLogger("org.apache.ratis.util.LifeCycle").setLevel(Level.OFF);
        context.getLogger("org.apache.ratis.client.impl.OrderedAsync").setLevel(Level.OFF);
        context.getLogger("org.apache.ratis.server.leader.LogAppender").setLevel(Level.ERROR);
        context.getLogger("org.apache.ratis.netty.client.NettyClient").setLevel(Level.ERROR);
        context.getLogger("org.apache.ratis.netty.NettyRpcProxy").setLevel(Level.ERROR);
    }
}
