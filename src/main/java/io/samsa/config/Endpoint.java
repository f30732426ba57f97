package io.samsa.config;

import org.apache.kafka.common.config.ConfigException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One listener: a name (PLAINTEXT, INTERNAL, …), its security protocol, a host (empty: every interface) and a port. */
public record Endpoint(String listenerName, String securityProtocol, String host, int port) {
    private static final Pattern FORMAT = Pattern.compile("^([A-Za-z0-9_]+)://\\[?([0-9a-zA-Z\\-%._:]*?)]?:(-?[0-9]+)$");

    static List<Endpoint> parseList(String key, List<String> values, Map<String, String> protocols) {
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String raw : values) {
            String value = raw.trim();
            if (value.isEmpty()) {
                continue;
            }
            Matcher m = FORMAT.matcher(value);
            if (!m.matches()) {
                throw new ConfigException(key, value, "expected NAME://host:port");
            }
            String name = m.group(1).toUpperCase();
            int port;
            try {
                port = Integer.parseInt(m.group(3));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, value, "port is not a number");
            }
            if (port < 0 || port > 65535) {
                throw new ConfigException(key, value, "port must be within 0..65535");
            }
            String protocol = protocols.getOrDefault(name, name);
            if (!protocol.equals("PLAINTEXT")) {
                throw new ConfigException(key, value, "security protocol " + protocol + " is not supported yet; use PLAINTEXT");
            }
            if (!names.add(name)) {
                throw new ConfigException(key, value, "listener name " + name + " appears twice");
            }
            endpoints.add(new Endpoint(name, protocol, m.group(2), port));
        }
        if (endpoints.isEmpty()) {
            throw new ConfigException(key, values, "at least one listener is required");
        }
        return endpoints;
    }

    public Endpoint withPort(int boundPort) {
        return new Endpoint(listenerName, securityProtocol, host, boundPort);
    }

    @Override
    public String toString() {
        return listenerName + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
