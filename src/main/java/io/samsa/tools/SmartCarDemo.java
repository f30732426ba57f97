package io.samsa.tools;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code samsa demo smart-car}: a stream of car telemetry at a steady rate. Key: the car id ("car-001"). Value: JSON
 * with {@code car_id}, {@code timestamp} (epoch ms), {@code seq} (the car's reading number), {@code speed_kmh},
 * {@code lat}, {@code lon}, {@code heading_deg}, {@code battery_pct} (electric) or {@code fuel_pct} (petrol),
 * {@code engine_temp_c}, {@code odometer_km} and {@code event} (null, "hard_braking", "rapid_acceleration",
 * "low_battery", "low_fuel", "charged", "refuelled", "engine_overheat"). Sends are paced against an absolute schedule
 * by parking the thread, so the rate holds without busy-spinning.
 */
@Command(name = "smart-car", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Produce realistic smart-car telemetry: key = car id, value = JSON with timestamp, seq, speed_kmh, lat, lon,",
        "heading_deg, battery_pct or fuel_pct, engine_temp_c, odometer_km and event (null or e.g. \"hard_braking\")."})
public final class SmartCarDemo implements Callable<Integer> {
    @Option(names = "--bootstrap-server", paramLabel = "<host:port>", description = "Default: ${DEFAULT-VALUE}.")
    String bootstrapServer = "localhost:9092";
    @Option(names = "--topic", description = "Default: ${DEFAULT-VALUE}.")
    String topic = "smart-car";
    @Option(names = "--rate", paramLabel = "<records/s>", description = "Records per second over all cars. Default: ${DEFAULT-VALUE}.")
    double rate = 10;
    @Option(names = "--cars", description = "Number of cars. Default: ${DEFAULT-VALUE}.")
    int cars = 5;
    @Option(names = "--seed", description = "Seed of the simulation: the same seed gives the same readings. Default: random.")
    Long seed;
    @Option(names = "--duration-s", paramLabel = "<seconds>", description = "Stop after this many seconds. Default: until Ctrl-C.")
    Double durationSeconds;
    @Option(names = "--producer-property", paramLabel = "<key=value>", description = "A producer config; repeatable.")
    java.util.List<String> producerProperties = new java.util.ArrayList<>();

    private final AtomicReference<Thread> runner = new AtomicReference<>();
    private volatile boolean stopRequested;
    private final AtomicLong sent = new AtomicLong();

    @Override
    public Integer call() {
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop();
            try {
                main.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown-hook"));
        return run(ToolIo.system());
    }

    /** Ends a run from another thread (Ctrl-C). */
    void stop() {
        stopRequested = true;
        Thread t = runner.get();
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    long sent() {
        return sent.get();
    }

    int run(ToolIo io) {
        if (!(rate > 0) || cars < 1 || durationSeconds != null && durationSeconds < 0) {
            io.err().println("--rate must be above 0, --cars at least 1 and --duration-s not negative");
            return 1;
        }
        long actualSeed = seed != null ? seed : System.nanoTime();
        Properties props = new Properties();
        try {
            BrokerConnection.putKeyValues(props, producerProperties, "--producer-property");
            BrokerConnection.checkReachable(bootstrapServer);
        } catch (ToolException e) {
            io.err().println(e.getMessage());
            return 1;
        }
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "samsa-demo-smart-car");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        runner.set(Thread.currentThread());
        long periodNanos = Math.max(1, Math.round(1e9 / rate));
        long start = System.nanoTime();
        long end = durationSeconds == null ? Long.MAX_VALUE : start + Math.round(durationSeconds * 1e9);
        SmartCarSimulation simulation = new SmartCarSimulation(actualSeed, cars, System.currentTimeMillis(), cars / rate);
        io.err().printf(java.util.Locale.ROOT, "Producing telemetry of %d cars at %s records/s to topic %s on %s (seed %d)%s%n",
            cars, stripZeros(rate), topic, bootstrapServer, actualSeed, durationSeconds == null ? "; Ctrl-C stops" : "");
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (long i = 0; !stopRequested && failure.get() == null; i++) {
                long due = start + i * periodNanos;
                if (due >= end) {
                    break;
                }
                for (long wait = due - System.nanoTime(); wait > 0 && !stopRequested; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(this, wait);
                }
                if (stopRequested) {
                    break;
                }
                String[] reading = simulation.next();
                producer.send(new ProducerRecord<>(topic, reading[0], reading[1]), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                sent.incrementAndGet();
            }
        } catch (KafkaException e) {
            failure.compareAndSet(null, e);
        } finally {
            runner.set(null);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            io.err().println("Producing failed: " + failure.get().getMessage());
            return 1;
        }
        io.err().printf(java.util.Locale.ROOT, "Sent %d records in %.1f s%n", sent.get(), seconds);
        return 0;
    }

    private static String stripZeros(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
