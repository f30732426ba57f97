package io.samsa.tools;

import io.samsa.config.ServerConfig;
import io.samsa.server.Broker;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code samsa server [server.properties] [--override key=value]…}, {@code samsa version} and {@code samsa demo smart-car}. */
@Command(name = "samsa", mixinStandardHelpOptions = true, versionProvider = SamsaCommand.Version.class,
    description = "Samsa: an event streaming platform that speaks the Apache Kafka protocol.",
    subcommands = {SamsaCommand.Server.class, SamsaCommand.VersionCommand.class, SamsaCommand.Demo.class})
public final class SamsaCommand implements Runnable {

    public static void main(String[] args) {
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Samsa " + version() + " (Kafka protocol of kafka-clients "
                + org.apache.kafka.common.utils.internals.AppInfoParser.getVersion() + ")"};
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Runnable {
        @Override
        public void run() {
            System.out.println(new Version().getVersion()[0]);
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
            Map<String, Object> props = new LinkedHashMap<>();
            if (propertiesFile != null) {
                if (!Files.isReadable(propertiesFile)) {
                    System.err.println("Cannot read " + propertiesFile);
                    return 1;
                }
                Properties file = new Properties();
                try (Reader reader = Files.newBufferedReader(propertiesFile)) {
                    file.load(reader);
                }
                file.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v).trim()));
            }
            for (String override : overrides) {
                int eq = override.indexOf('=');
                if (eq <= 0) {
                    System.err.println("--override expects key=value, got: " + override);
                    return 1;
                }
                props.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
            }
            ServerConfig config;
            try {
                config = new ServerConfig(props);
            } catch (ConfigException e) {
                System.err.println("Invalid configuration: " + e.getMessage());
                return 1;
            }
            Broker broker = new Broker(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                System.out.println("Samsa stopped");
                System.out.flush();
                stopped.countDown();
            }, "samsa-shutdown"));
            try {
                broker.start();
            } catch (IOException | RuntimeException e) {
                System.err.println("Samsa failed to start: " + e.getMessage());
                broker.close();
                return 1;
            }
            System.out.println("Samsa " + version() + " serving " + broker.boundEndpoints()
                + " (advertised " + broker.advertisedEndpoints().values() + "), data in "
                + config.logDirs().stream().map(p -> p.toAbsolutePath().normalize().toString()).toList()
                + ", cluster id " + broker.clusterId());
            System.out.flush();
            stopped.await();
            return 0;
        }
    }
}
