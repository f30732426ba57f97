package io.samsa.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.samsa.tools.ToolIo;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Runs a command-line tool in this JVM and keeps what it printed: Apache Kafka's tools (their {@code main}, whose
 * {@code Exit.exit} is trapped) and Samsa's ({@code run(args, io)}). While one runs, the tests' log appenders are
 * detached, since they write to the same stdout the tool's output is taken from.
 */
public final class InProcessTool {
    private InProcessTool() {
    }

    /** One run: the exit code and everything printed. */
    public record Result(int exitCode, String out, String err) {
        public List<String> lines() {
            return out.lines().toList();
        }
    }

    private static final class ExitTrapped extends RuntimeException {
        ExitTrapped() {
            super(null, null, false, false);
        }
    }

    /** One of Apache Kafka's tools, through its {@code main}. */
    public static synchronized Result kafka(Consumer<String[]> main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int[] code = {0};
        boolean[] exited = {false};
        Exit.setExitProcedure((status, message) -> {
            if (!exited[0]) { // the first exit counts: a tool may catch the trap and exit again
                exited[0] = true;
                code[0] = status;
            }
            throw new ExitTrapped();
        });
        List<Appender<ILoggingEvent>> appenders = detachAppenders();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            main.accept(args);
        } catch (ExitTrapped trapped) {
            // the tool called Exit.exit
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
            Exit.resetExitProcedure();
            reattach(appenders);
        }
        return new Result(code[0], out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** One of Samsa's tools, through its {@code run(args, io)}. */
    public static Result samsa(BiFunction<String[], ToolIo, Integer> tool, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = tool.apply(args, new ToolIo(new ByteArrayInputStream(new byte[0]), o, e));
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<Appender<ILoggingEvent>> detachAppenders() {
        ch.qos.logback.classic.Logger root =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(appenders::add);
        appenders.forEach(root::detachAppender);
        return appenders;
    }

    private static void reattach(List<Appender<ILoggingEvent>> appenders) {
        ch.qos.logback.classic.Logger root =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appenders.forEach(root::addAppender);
    }
}
