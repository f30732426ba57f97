package io.samsa.tools;

import io.samsa.server.EmbeddedBroker;
import io.samsa.testing.Clients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SmartCarDemoTest {
    /** The documented value: every field, in order, with its type. */
    static final Pattern VALUE = Pattern.compile("\\{\"car_id\":\"(car-\\d{3})\",\"timestamp\":(\\d{13}),\"seq\":(\\d+),"
        + "\"speed_kmh\":(\\d+\\.\\d),\"lat\":(-?\\d+\\.\\d{6}),\"lon\":(-?\\d+\\.\\d{6}),\"heading_deg\":(\\d+\\.\\d),"
        + "\"(battery_pct|fuel_pct)\":(\\d+\\.\\d),\"engine_temp_c\":(-?\\d+\\.\\d),\"odometer_km\":(\\d+\\.\\d{2}),"
        + "\"event\":(null|\"[a-z_]+\")}");

    private static SmartCarDemo parse(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "demo";
        all[1] = "smart-car";
        System.arraycopy(args, 0, all, 2, args.length);
        CommandLine.ParseResult result = new CommandLine(new SamsaCommand()).parseArgs(all);
        return (SmartCarDemo) result.subcommand().subcommand().commandSpec().userObject();
    }

    @Test
    void producesAtTheRequestedRateForTenSecondsWithValuesInTheDocumentedShape() {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            Clients.createTopic(broker.bootstrapServers(), "telemetry", 3, Map.of());
            SmartCarDemo demo = parse("--bootstrap-server", broker.bootstrapServers(), "--topic", "telemetry", "--rate", "200",
                "--cars", "7", "--seed", "42", "--duration-s", "10");
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            long start = System.nanoTime();
            int code = demo.run(new ToolIo(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(code).isZero();
            // The demo sends on a fixed schedule, so it cannot finish early; a loaded machine may make it finish late
            // (the producer's close waits for the last acks), which says nothing about the rate it kept.
            assertThat(seconds).isBetween(9.5, 60.0);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(
                "Producing telemetry of 7 cars at 200 records/s to topic telemetry on " + broker.bootstrapServers() + " (seed 42)\n");
            List<ConsumerRecord<byte[], byte[]>> records = Clients.readToEnd(broker.bootstrapServers(), "telemetry", 3, Duration.ofSeconds(20));
            assertThat(records).hasSize((int) demo.sent());
            assertThat(records.size()).isBetween(1800, 2200);
            LongSummaryStatistics sendTimes = records.stream().mapToLong(ConsumerRecord::timestamp).summaryStatistics();
            double ratePerSecond = (records.size() - 1) * 1000.0 / (sendTimes.getMax() - sendTimes.getMin());
            // Send times catch up with the schedule after a stall, so the rate over the whole run stays near 200/s.
            assertThat(ratePerSecond).isBetween(160.0, 240.0);
            Set<String> cars = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                Matcher m = VALUE.matcher(value);
                assertThat(m.matches()).as(value).isTrue();
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(m.group(1));
                cars.add(m.group(1));
            }
            assertThat(cars).hasSize(7);
        }
    }

    @Test
    void sameSeedGivesTheSameReadingsApartFromTheStartTime() {
        SmartCarSimulation a = new SmartCarSimulation(7, 4, 1_000_000_000_000L, 0.5);
        SmartCarSimulation b = new SmartCarSimulation(7, 4, 1_700_000_000_000L, 0.5);
        SmartCarSimulation other = new SmartCarSimulation(8, 4, 1_000_000_000_000L, 0.5);
        List<String> fromA = new ArrayList<>();
        List<String> fromB = new ArrayList<>();
        List<String> fromOther = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            fromA.add(a.next()[1].replaceAll("\"timestamp\":\\d+,", ""));
            fromB.add(b.next()[1].replaceAll("\"timestamp\":\\d+,", ""));
            fromOther.add(other.next()[1].replaceAll("\"timestamp\":\\d+,", ""));
        }

        assertThat(fromA).isEqualTo(fromB).isNotEqualTo(fromOther);
    }

    @Test
    void carsDriveThroughTheCityAtPlausibleSpeedsWithOccasionalEvents() {
        SmartCarSimulation simulation = new SmartCarSimulation(3, 10, 1_700_000_000_000L, 1.0);
        Set<String> events = new HashSet<>();
        long previousTimestamp = 0;
        for (int i = 0; i < 50_000; i++) {
            String[] reading = simulation.next();
            Matcher m = VALUE.matcher(reading[1]);
            assertThat(m.matches()).as(reading[1]).isTrue();
            long timestamp = Long.parseLong(m.group(2));
            assertThat(timestamp).isGreaterThanOrEqualTo(previousTimestamp);
            previousTimestamp = timestamp;
            assertThat(Double.parseDouble(m.group(4))).isBetween(0.0, 130.0);
            assertThat(Double.parseDouble(m.group(5))).isBetween(52.42, 52.62);
            assertThat(Double.parseDouble(m.group(6))).isBetween(13.25, 13.56);
            assertThat(Double.parseDouble(m.group(9))).isBetween(0.0, 100.0);
            if (!m.group(12).equals("null")) {
                events.add(m.group(12));
            }
        }

        assertThat(events).contains("\"hard_braking\"");
        assertThat(previousTimestamp - 1_700_000_000_000L).isBetween(4_990_000L, 5_000_000L);
    }

    @Test
    void defaultsAndHelpComeFromTheSamsaCommand() {
        SmartCarDemo demo = parse();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new SamsaCommand());
        cli.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));

        int code = cli.execute("demo", "smart-car", "--help");

        assertThat(demo.bootstrapServer).isEqualTo("localhost:9092");
        assertThat(demo.topic).isEqualTo("smart-car");
        assertThat(demo.rate).isEqualTo(10.0);
        assertThat(demo.cars).isEqualTo(5);
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--rate=<records/s>", "--seed", "--duration-s", "--cars");
    }
}
