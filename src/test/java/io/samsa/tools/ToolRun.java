package io.samsa.tools;

import org.apache.kafka.common.utils.internals.Exit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/** One in-process run of a command-line tool: its exit code and everything it printed. */
record ToolRun(int exitCode, String out, String err) {

    List<String> outLines() {
        return out.lines().toList();
    }

    /** Runs one of Samsa's tools with {@code stdin} as its standard input. */
    static ToolRun withInput(BiFunction<String[], ToolIo, Integer> tool, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = tool.apply(args, new ToolIo(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e));
        }
        return new ToolRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static ToolRun of(BiFunction<String[], ToolIo, Integer> tool, String... args) {
        return withInput(tool, "", args);
    }

    /** Runs one of Apache Kafka's tools (the reference) in-process: its System.out/err captured, its exit trapped. */
    static synchronized ToolRun kafka(Consumer<String[]> main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int[] code = {0};
        boolean[] exited = {false};
        Exit.setExitProcedure((status, message) -> {
            // The first exit counts: a tool that catches Throwable may report the trap itself and exit again.
            if (!exited[0]) {
                exited[0] = true;
                code[0] = status;
            }
            throw new ExitTrapped();
        });
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
        }
        return new ToolRun(code[0], out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final class ExitTrapped extends RuntimeException {
        ExitTrapped() {
            super(null, null, false, false);
        }
    }
}
