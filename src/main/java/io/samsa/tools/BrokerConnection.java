package io.samsa.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * How the tools reach a cluster: a quick TCP check of the bootstrap servers first, so that a broker that is not
 * there is reported in a few seconds as "could not reach host:port" instead of the clients' minute of retries,
 * then kafka-clients' Admin with the user's client properties.
 */
final class BrokerConnection {
    /** How long the first contact may take before the tool gives up on the bootstrap servers. */
    static final Duration FIRST_CONTACT = Duration.ofSeconds(5);

    private BrokerConnection() {
    }

    /** Throws a {@link ToolException} naming the servers unless at least one accepts a TCP connection. */
    static void checkReachable(String bootstrapServers) {
        List<String> addresses = new ArrayList<>();
        for (String a : bootstrapServers.split(",")) {
            if (!a.isBlank()) {
                addresses.add(a.trim());
            }
        }
        if (addresses.isEmpty()) {
            throw new ToolException("No bootstrap server given: expected host:port[,host:port...]");
        }
        long deadline = System.nanoTime() + FIRST_CONTACT.toNanos();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.get(i);
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000 / (addresses.size() - i));
            String failure = tryConnect(address, (int) Math.min(Integer.MAX_VALUE, left));
            if (failure == null) {
                return;
            }
            failures.add(address + " (" + failure + ")");
        }
        throw new ToolException("could not reach " + String.join(", ", failures) + ": is a broker running there?");
    }

    /** Returns why the address could not be connected to, or null when it could. */
    private static String tryConnect(String address, int timeoutMs) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new ToolException("Invalid bootstrap server address '" + address + "': expected host:port");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ToolException("Invalid bootstrap server address '" + address + "': expected host:port");
        }
        InetAddress[] resolved;
        try {
            resolved = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "unknown host";
        }
        String failure = "no address";
        for (InetAddress ip : resolved) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(ip, port), timeoutMs);
                return null;
            } catch (IOException e) {
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        }
        return failure;
    }

    /** An Admin client for the bootstrap servers, after checking that they answer. */
    static Admin admin(String bootstrapServers, Path commandConfig) {
        Properties props = commandConfig == null ? new Properties() : loadProperties(commandConfig);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        checkReachable(bootstrapServers);
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            throw new ToolException("Cannot create the admin client: " + rootMessage(e));
        }
    }

    static Properties loadProperties(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ToolException("Cannot read " + file + ": " + e.getMessage());
        }
        return props;
    }

    /** Adds {@code key=value} strings to {@code props}; a string without '=' fails naming the option. */
    static void putKeyValues(Properties props, List<String> keyValues, String option) {
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new ToolException("Invalid " + option + " '" + kv + "': expected key=value");
            }
            props.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
        }
    }

    /** Waits for an Admin result, turning its ExecutionException into the cause the broker or client gave. */
    static <T> T await(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new KafkaException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("Interrupted");
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
