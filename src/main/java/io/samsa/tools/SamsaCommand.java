package io.samsa.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code samsa server [server.properties] [--override key=value]…}, {@code samsa version} and {@code samsa demo smart-car}. */
@Command(name = "samsa", mixinStandardHelpOptions = true, versionProvider = SamsaCommand.Version.class,
    description = "Samsa: an event streaming platform that speaks the Apache Kafka protocol.",
    subcommands = {SamsaCommand.Server.class, SamsaCommand.VersionCommand.class, SamsaCommand.Demo.class, ClusterCommand.class})
public final class SamsaCommand implements Runnable {

    public static void main(String[] args) throws Exception {
        // The broker and the version start without picocli (see ServerCommand); the rest parse with it.
        if (args.length == 1 && args[0].equals("version")) {
            System.out.println(versionLine());
            return;
        }
        if (args.length > 0 && args[0].equals("server")) {
            Optional<ServerCommand.Arguments> server = ServerCommand.parse(List.of(args).subList(1, args.length));
            if (server.isPresent()) {
                int code = ServerCommand.run(server.get());
                if (code != 0) {
                    System.exit(code);
                }
                return;
            }
        }
        int code = new CommandLine(new SamsaCommand()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static String version() {
        String v = SamsaCommand.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    static String versionLine() {
        return "Samsa " + version() + " (Kafka protocol of kafka-clients "
            + org.apache.kafka.common.utils.internals.AppInfoParser.getVersion() + ")";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {versionLine()};
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Runnable {
        @Override
        public void run() {
            System.out.println(versionLine());
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true, subcommands = SmartCarDemo.class,
        description = "Produce demo data to a broker.")
    static final class Demo implements Runnable {
        @Override
        public void run() {
            new CommandLine(this).usage(System.out);
        }
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run a broker. With no file: localhost:9092, data in ./data, Kafka's defaults.")
    static final class Server implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "server.properties", description = "Broker configuration file.")
        Path propertiesFile;

        @Option(names = "--override", paramLabel = "key=value", description = "Set a property, overriding the file.")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            return ServerCommand.run(new ServerCommand.Arguments(propertiesFile, overrides));
        }
    }
}
