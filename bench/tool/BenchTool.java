import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * The benchmark's small helper, compiled by bench/run.sh against the cached kafka-clients jar
 * (never part of Samsa's build). Three commands:
 *
 * <pre>
 *   probe HOST:PORT TIMEOUT_MS       print "ready", then poll every 5 ms until a Metadata request is
 *                                    answered with at least one broker; print the wall-clock epoch
 *                                    nanoseconds of that answer, then the advertised API keys
 *   topics HOST:PORT NAME:PARTITIONS...  create topics (replication factor 1) and wait for them
 *   report RESULTS.tsv OUT.md TITLE  medians per broker, Samsa/Kafka ratio and target per figure
 *   hotspots FILE.jfr [N]            the N most sampled frames of a JFR recording: where the CPU
 *                                    went (self), which Samsa method it went through (inclusive)
 * </pre>
 */
public final class BenchTool {

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "probe" -> probe(args[1], Long.parseLong(args[2]));
            case "topics" -> topics(args[1], Arrays.copyOfRange(args, 2, args.length));
            case "report" -> report(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? args[3] : "");
            case "hotspots" -> hotspots(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 25);
            default -> {
                System.err.println("usage: BenchTool probe HOST:PORT TIMEOUT_MS | topics HOST:PORT NAME:PARTITIONS... "
                    + "| report RESULTS.tsv OUT.md [TITLE]");
                System.exit(2);
            }
        }
    }

    // ---------------------------------------------------------------- probe

    private static void probe(String hostPort, long timeoutMs) throws InterruptedException {
        InetSocketAddress address = address(hostPort);
        // One attempt before "ready" loads and JIT-warms the request classes, so the polling
        // itself is cheap and does not compete with the starting broker for the CPU.
        tryMetadata(address);
        System.out.println("ready");
        System.out.flush();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (tryMetadata(address)) {
                Instant now = Instant.now();
                System.out.println(now.getEpochSecond() * 1_000_000_000L + now.getNano());
                System.out.println(apiKeys(address));
                return;
            }
            Thread.sleep(5);
        }
        System.out.println("timeout");
        System.exit(1);
    }

    private static boolean tryMetadata(InetSocketAddress address) {
        MetadataRequest request = new MetadataRequest.Builder(new MetadataRequestData()
            .setTopics(null).setAllowAutoTopicCreation(false)).build((short) 12);
        try {
            MetadataResponse response = (MetadataResponse) roundTrip(address, request);
            return !response.brokers().isEmpty();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The API keys the broker advertises, space-separated names, for the script to test support. */
    private static String apiKeys(InetSocketAddress address) {
        ApiVersionsRequest request = new ApiVersionsRequest.Builder(new ApiVersionsRequestData()
            .setClientSoftwareName("samsa-bench").setClientSoftwareVersion("1"), (short) 3, (short) 3).build();
        try {
            ApiVersionsResponse response = (ApiVersionsResponse) roundTrip(address, request);
            return response.data().apiKeys().stream()
                .filter(k -> ApiKeys.hasId(k.apiKey()))
                .map(k -> ApiKeys.forId(k.apiKey()).name())
                .collect(Collectors.joining(" "));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static AbstractResponse roundTrip(InetSocketAddress address, AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "samsa-bench-probe", 1);
        ByteBuffer body = request.serializeWithHeader(header);
        try (Socket socket = new Socket()) {
            socket.connect(address, 1000);
            socket.setSoTimeout(2000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(body.remaining());
            out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
        }
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    // ---------------------------------------------------------------- topics

    private static void topics(String bootstrap, String[] specs) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<NewTopic> topics = new ArrayList<>();
        for (String spec : specs) {
            String[] parts = spec.split(":");
            topics.add(new NewTopic(parts[0], Integer.parseInt(parts[1]), (short) 1));
        }
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(topics).all().get();
            List<String> names = topics.stream().map(NewTopic::name).toList();
            // Wait until every partition has a leader, as a producer would see it.
            long deadline = System.currentTimeMillis() + 30_000;
            while (true) {
                boolean ready = admin.describeTopics(names).allTopicNames().get().values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                if (ready) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("topics have no leader after 30 s: " + names);
                }
                Thread.sleep(50);
            }
        }
    }

    // ---------------------------------------------------------------- hotspots

    private static void hotspots(Path recording, int limit) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> samsaInclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> nativeCalls = new HashMap<>();
        int samples = 0;
        int nativeSamples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            String type = event.getEventType().getName();
            if (event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (type.equals("jdk.NativeMethodSample")) {
                // Threads parked in epoll, accept or a timed wait are idle, not busy in a system call.
                String top = name(frames.get(0));
                if (!top.matches(".*(epollWait|epollBusyWait|accept|park|sleep|wait0|socketRead0).*")) {
                    nativeSamples++;
                    nativeCalls.merge(top + " <- " + firstSamsaOrCaller(frames), 1, Integer::sum);
                }
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) {
                continue;
            }
            samples++;
            self.merge(name(frames.get(0)), 1, Integer::sum);
            RecordedThread thread = event.getThread("sampledThread");
            String threadName = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
            threads.merge(threadName.replaceAll("[0-9]+", "N"), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String n = name(frame);
                if (n.startsWith("io.samsa.") && seen.add(n)) {
                    samsaInclusive.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.println(samples + " execution samples in " + recording);
        print("Threads", threads, samples, limit);
        print("Top frames (self time)", self, samples, limit);
        print("Samsa methods on the stack (inclusive time)", samsaInclusive, samples, limit);
        System.out.println();
        System.out.println(nativeSamples + " samples of threads busy in native code (system calls), by call and caller:");
        print("Native calls", nativeCalls, nativeSamples, limit);
    }

    private static String firstSamsaOrCaller(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String n = name(frame);
            if (n.startsWith("io.samsa.")) {
                return n;
            }
        }
        return frames.size() > 1 ? name(frames.get(1)) : "?";
    }

    private static String name(RecordedFrame frame) {
        RecordedMethod m = frame.getMethod();
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int limit) {
        System.out.println();
        System.out.println(title + ":");
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(limit)
            .forEach(e -> System.out.printf(Locale.ROOT, "%6d %5.1f%%  %s%n", e.getValue(),
                100.0 * e.getValue() / Math.max(1, samples), e.getKey()));
    }

    // ---------------------------------------------------------------- report

    /** A figure's unit and target: ratio = Samsa ÷ Kafka; higher says whether bigger is better. */
    private record Kind(String unit, boolean higherIsBetter, String target, double bound) {
        boolean meets(double ratio) {
            return higherIsBetter ? ratio >= bound : ratio <= bound;
        }
    }

    /**
     * RESULTS.tsv lines: {@code broker round workload figure value}. Figures are kept in the order
     * they first appear; the table shows each broker's median over the rounds and the ratio.
     */
    private static void report(Path results, Path out, String title) throws IOException {
        Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
        int rounds = 0;
        for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length != 5 || line.startsWith("#")) {
                continue;
            }
            rounds = Math.max(rounds, Integer.parseInt(f[1]));
            values.computeIfAbsent(f[2] + "\t" + f[3], k -> new LinkedHashMap<>())
                .computeIfAbsent(f[0], k -> new ArrayList<>())
                .add(Double.parseDouble(f[4]));
        }
        StringBuilder md = new StringBuilder();
        if (!title.isEmpty()) {
            md.append(title).append("\n\n");
        }
        md.append("| workload | figure | Apache Kafka | Samsa | Samsa ÷ Kafka | target | met |\n");
        md.append("|---|---|---:|---:|---:|---:|:---:|\n");
        int met = 0;
        int missed = 0;
        // The broker's own figures (start-up, memory, whole-round CPU) first, then the workloads.
        List<Map.Entry<String, Map<String, List<Double>>>> rows = new ArrayList<>(values.entrySet());
        rows.sort(Comparator.comparing(e -> e.getKey().startsWith("broker\t") ? 0 : 1));
        for (Map.Entry<String, Map<String, List<Double>>> e : rows) {
            String[] key = e.getKey().split("\t");
            String workload = key[0];
            String figure = key[1];
            Double kafka = median(e.getValue().get("kafka"));
            Double samsa = median(e.getValue().get("samsa"));
            Kind kind = kind(workload, figure);
            String ratio = "—";
            String verdict = "";
            if (kafka != null && samsa != null && kafka != 0) {
                double r = samsa / kafka;
                ratio = String.format(Locale.ROOT, "%.2f", r);
                if (kind.target != null) {
                    boolean ok = kind.meets(r);
                    verdict = ok ? "yes" : "**no**";
                    if (ok) {
                        met++;
                    } else {
                        missed++;
                    }
                }
            } else if (kind.target != null) {
                verdict = "**n/a**";
                missed++;
            }
            md.append("| ").append(workload).append(" | ").append(figure).append(" (").append(kind.unit).append(")")
                .append(" | ").append(format(kafka, e.getValue().get("kafka")))
                .append(" | ").append(format(samsa, e.getValue().get("samsa")))
                .append(" | ").append(ratio)
                .append(" | ").append(kind.target == null ? "" : kind.target)
                .append(" | ").append(verdict).append(" |\n");
        }
        md.append("\nMedians of ").append(rounds).append(rounds == 1 ? " round" : " rounds")
            .append(" (the range over rounds in brackets). Targets met: ").append(met)
            .append(", missed or not measurable: ").append(missed).append(".\n");
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        PrintStream stdout = System.out;
        stdout.print(md);
    }

    private static Kind kind(String workload, String figure) {
        boolean produce = workload.startsWith("produce");
        boolean consume = workload.startsWith("consume");
        return switch (figure) {
            case "records/s" -> produce ? new Kind("rec/s", true, "≥ 1.2", 1.2) : new Kind("rec/s", true, null, 0);
            case "MB/s" -> consume ? new Kind("MiB/s", true, "≥ 1.5", 1.5) : new Kind("MiB/s", true, null, 0);
            case "latency avg", "latency p99", "p50", "p99.9" -> new Kind("ms", false, null, 0);
            case "p99" -> new Kind("ms", false, "≤ 0.5", 0.5);
            case "broker CPU" -> produce || consume
                ? new Kind("s", false, "≤ 0.5", 0.5) : new Kind("s", false, null, 0);
            case "broker CPU per GB" -> produce || consume
                ? new Kind("s/GB", false, "≤ 0.5", 0.5) : new Kind("s/GB", false, null, 0);
            case "group join" -> new Kind("ms", false, null, 0);
            case "client CPU while fetching", "broker CPU while fetching" -> new Kind("cores", false, null, 0);
            case "broker CPU, whole round" -> new Kind("s", false, null, 0);
            case "start to first Metadata" -> new Kind("ms", false, "≤ 0.1", 0.1);
            case "RSS idle" -> new Kind("MiB", false, "≤ 0.25", 0.25);
            case "RSS peak" -> new Kind("MiB", false, "≤ 0.3", 0.3);
            default -> new Kind("", false, null, 0);
        };
    }

    private static Double median(List<Double> list) {
        if (list == null || list.isEmpty()) {
            return null;
        }
        double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String format(Double median, List<Double> all) {
        if (median == null) {
            return "—";
        }
        String m = number(median);
        if (all.size() < 2) {
            return m;
        }
        double min = all.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = all.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return m + " [" + number(min) + "–" + number(max) + "]";
    }

    private static String number(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
