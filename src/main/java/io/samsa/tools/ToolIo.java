package io.samsa.tools;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * The streams a command-line tool reads and writes: the process's own in {@code main}, captured ones in tests,
 * so that a tool's whole behaviour (output, errors, exit code) runs in-process.
 */
public record ToolIo(InputStream in, PrintStream out, PrintStream err) {
    public static ToolIo system() {
        return new ToolIo(System.in, System.out, System.err);
    }
}
