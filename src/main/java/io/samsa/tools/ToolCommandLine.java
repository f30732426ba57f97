package io.samsa.tools;

import picocli.CommandLine;

import java.util.OptionalInt;

/**
 * Parses a tool's arguments into its picocli-annotated options object the way Kafka's tools behave:
 * {@code --help} prints the usage on stdout and exits 0, a parse error prints one line on stderr and exits 1.
 */
final class ToolCommandLine {
    private ToolCommandLine() {
    }

    /** Returns the exit code when the run ends here (help or a bad command line), empty to go on. */
    static OptionalInt parse(Object options, String[] args, ToolIo io) {
        CommandLine commandLine = new CommandLine(options);
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            io.err().println(e.getMessage());
            return OptionalInt.of(1);
        }
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(io.out());
            return OptionalInt.of(0);
        }
        return OptionalInt.empty();
    }

    /** Fails with the usage when no argument at all was given, as Kafka's tools do. */
    static OptionalInt usageIfEmpty(Object options, String[] args, ToolIo io) {
        if (args.length == 0) {
            new CommandLine(options).usage(io.err());
            return OptionalInt.of(1);
        }
        return OptionalInt.empty();
    }
}
