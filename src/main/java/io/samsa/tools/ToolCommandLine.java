package io.samsa.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;

import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Supplier;

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

    /** A tool's work once its arguments are checked and it has an Admin client; returns the exit code. */
    @FunctionalInterface
    interface AdminWork {
        int run(Admin admin);
    }

    /**
     * The life of an Admin-based tool: usage when called bare, parse, check, connect, work, and one line on
     * stderr with exit code 1 for any failure ({@link ToolException} as it is, client errors through
     * {@code errorLine}, which gives each tool Kafka's wording).
     */
    static int runWithAdmin(Object options, String[] args, ToolIo io, Runnable checkArgs, Supplier<Admin> connect,
                            AdminWork work, Function<RuntimeException, String> errorLine) {
        OptionalInt end = usageIfEmpty(options, args, io);
        if (end.isEmpty()) {
            end = parse(options, args, io);
        }
        if (end.isPresent()) {
            return end.getAsInt();
        }
        try {
            checkArgs.run();
            try (Admin admin = connect.get()) {
                return work.run(admin);
            }
        } catch (ToolException e) {
            io.err().println(e.getMessage());
            return 1;
        } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
            io.err().println(errorLine.apply(e));
            return 1;
        }
    }
}
