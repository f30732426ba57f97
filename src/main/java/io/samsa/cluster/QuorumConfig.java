package io.samsa.cluster;

import io.samsa.config.Endpoint;
import io.samsa.config.ServerConfig;
import org.apache.kafka.common.config.ConfigException;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A node's place in a cluster, read from Kafka's KRaft settings: its roles, the controller quorum's voters, which
 * listener the controllers talk on and which one brokers use between themselves. Absent (a single broker with its
 * local metadata log) when no quorum of more than one voter is configured: Kafka's single-node quickstart, with
 * itself as the only voter, runs as a single broker.
 *
 * @param voters node id to the address of its controller listener, in configuration order
 * @param controllerListener the listener in {@code listeners} the quorum binds (first of controller.listener.names)
 * @param interBrokerListener the listener brokers reach each other on
 */
public record QuorumConfig(int nodeId, Set<String> roles, Map<Integer, InetSocketAddress> voters,
                           Endpoint controllerListener, String interBrokerListener, String rack) {

    public static final String PROCESS_ROLES = "process.roles";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String CONTROLLER_QUORUM_BOOTSTRAP_SERVERS = "controller.quorum.bootstrap.servers";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String BROKER_RACK = "broker.rack";

    /** The cluster settings of this configuration, or empty for a single broker; throws on an invalid combination. */
    public static Optional<QuorumConfig> from(ServerConfig config) {
        Map<Integer, InetSocketAddress> voters = parseVoters(config.getList(CONTROLLER_QUORUM_VOTERS));
        List<String> bootstrap = config.getList(CONTROLLER_QUORUM_BOOTSTRAP_SERVERS);
        if (voters.isEmpty() && bootstrap != null && bootstrap.size() > 1) {
            throw new ConfigException(CONTROLLER_QUORUM_BOOTSTRAP_SERVERS, String.join(",", bootstrap),
                "a dynamic quorum (KIP-853) is not supported; list the voters in controller.quorum.voters as id@host:port");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String role : config.getList(PROCESS_ROLES)) {
            String r = role.trim();
            if (!r.equals("broker") && !r.equals("controller")) {
                throw new ConfigException(PROCESS_ROLES, String.join(",", config.getList(PROCESS_ROLES)),
                    "roles are 'broker' and 'controller'");
            }
            roles.add(r);
        }
        if (roles.isEmpty()) {
            throw new ConfigException(PROCESS_ROLES, "", "at least one of 'broker' and 'controller' is required");
        }
        if (voters.size() <= 1) {
            if (!roles.contains("broker")) {
                throw new ConfigException(PROCESS_ROLES, String.join(",", roles),
                    "a single node (no quorum of several voters in controller.quorum.voters) must have the broker role");
            }
            return Optional.empty();
        }
        int nodeId = config.nodeId();
        boolean controller = roles.contains("controller");
        boolean broker = roles.contains("broker");
        String votersText = String.join(",", config.getList(CONTROLLER_QUORUM_VOTERS));
        if (controller && !voters.containsKey(nodeId)) {
            throw new ConfigException(CONTROLLER_QUORUM_VOTERS, votersText,
                "node.id " + nodeId + " has the controller role, so it must be one of the voters");
        }
        if (!controller && voters.containsKey(nodeId)) {
            throw new ConfigException(CONTROLLER_QUORUM_VOTERS, votersText,
                "node.id " + nodeId + " is a voter, so process.roles must include 'controller'");
        }
        List<String> controllerNames = config.getList(CONTROLLER_LISTENER_NAMES);
        if (controllerNames == null || controllerNames.isEmpty()) {
            throw new ConfigException(CONTROLLER_LISTENER_NAMES, "", "required when controller.quorum.voters is set");
        }
        String controllerName = controllerNames.get(0).trim().toUpperCase();
        Endpoint controllerListener = null;
        List<Endpoint> brokerListeners = new ArrayList<>();
        for (Endpoint e : config.listeners()) {
            if (controllerNames.stream().anyMatch(n -> n.trim().equalsIgnoreCase(e.listenerName()))) {
                if (e.listenerName().equals(controllerName)) {
                    controllerListener = e;
                }
            } else {
                brokerListeners.add(e);
            }
        }
        if (controller) {
            if (controllerListener == null) {
                throw new ConfigException(ServerConfig.LISTENERS, String.join(",", config.getList(ServerConfig.LISTENERS)),
                    "the controller listener " + controllerName + " (controller.listener.names) must be one of the listeners");
            }
            if (controllerListener.port() == 0) {
                throw new ConfigException(ServerConfig.LISTENERS, controllerListener.toString(),
                    "the controller listener needs a fixed port: the other voters reach it through controller.quorum.voters");
            }
            if (controllerListener.port() != voters.get(nodeId).getPort()) {
                throw new ConfigException(CONTROLLER_QUORUM_VOTERS, votersText, "node " + nodeId + "'s voter port "
                    + voters.get(nodeId).getPort() + " differs from its controller listener " + controllerListener);
            }
        } else if (controllerListener != null) {
            throw new ConfigException(ServerConfig.LISTENERS, String.join(",", config.getList(ServerConfig.LISTENERS)),
                "a broker without the controller role has no controller listener");
        }
        String interBroker = null;
        if (broker) {
            if (brokerListeners.isEmpty()) {
                throw new ConfigException(ServerConfig.LISTENERS, String.join(",", config.getList(ServerConfig.LISTENERS)),
                    "a broker needs a listener besides the controller's");
            }
            interBroker = config.getString(INTER_BROKER_LISTENER_NAME);
            if (interBroker == null) {
                interBroker = brokerListeners.get(0).listenerName();
            } else {
                String wanted = interBroker.trim().toUpperCase();
                if (brokerListeners.stream().noneMatch(e -> e.listenerName().equals(wanted))) {
                    throw new ConfigException(INTER_BROKER_LISTENER_NAME, interBroker,
                        "must name one of the broker's listeners (not the controller's)");
                }
                interBroker = wanted;
            }
        }
        String rack = config.getString(BROKER_RACK);
        return Optional.of(new QuorumConfig(nodeId, Set.copyOf(roles), voters, controllerListener, interBroker,
            rack == null || rack.isBlank() ? null : rack.trim()));
    }

    /** Whether this node is a voter of the metadata quorum (and may become the active controller). */
    public boolean isController() {
        return roles.contains("controller");
    }

    /** Whether this node serves clients and hosts partitions. */
    public boolean isBroker() {
        return roles.contains("broker");
    }

    /** The voters as configured: {@code 1@host:port,2@host:port}. */
    public String votersText() {
        StringBuilder text = new StringBuilder();
        voters.forEach((id, a) -> text.append(text.length() == 0 ? "" : ",").append(id).append('@')
            .append(a.getHostString()).append(':').append(a.getPort()));
        return text.toString();
    }

    /** {@code 1@host:port,2@host:port}: node ids to addresses, in order; ids and addresses unique. */
    static Map<Integer, InetSocketAddress> parseVoters(List<String> values) {
        Map<Integer, InetSocketAddress> voters = new LinkedHashMap<>();
        if (values == null) {
            return voters;
        }
        String all = String.join(",", values);
        for (String raw : values) {
            String value = raw.trim();
            if (value.isEmpty()) {
                continue;
            }
            int at = value.indexOf('@');
            int colon = value.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1 || colon == value.length() - 1) {
                throw new ConfigException(CONTROLLER_QUORUM_VOTERS, all, "each voter is id@host:port, not '" + value + "'");
            }
            int id;
            int port;
            try {
                id = Integer.parseInt(value.substring(0, at));
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(CONTROLLER_QUORUM_VOTERS, all, "each voter is id@host:port, not '" + value + "'");
            }
            if (id < 0 || port <= 0 || port > 65535) {
                throw new ConfigException(CONTROLLER_QUORUM_VOTERS, all, "bad node id or port in '" + value + "'");
            }
            String host = value.substring(at + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (voters.put(id, InetSocketAddress.createUnresolved(host, port)) != null) {
                throw new ConfigException(CONTROLLER_QUORUM_VOTERS, all, "node id " + id + " appears twice");
            }
        }
        return voters;
    }
}
