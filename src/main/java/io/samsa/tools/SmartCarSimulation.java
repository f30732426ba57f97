package io.samsa.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A fleet of cars driving loops through a city, one telemetry reading at a time. Everything but the wall-clock start
 * comes from the seed: the same seed gives the same readings. Each car follows its own closed route of waypoints
 * around the city centre; its speed drifts towards a target that changes now and then, hard braking and rapid
 * acceleration happen as events, electric cars drain a battery and petrol cars a tank (refilled when nearly empty),
 * and the engine (or motor) temperature follows the load. Not thread-safe.
 */
final class SmartCarSimulation {
    private static final double CENTRE_LAT = 52.5200;
    private static final double CENTRE_LON = 13.4050;
    private static final double METRES_PER_DEGREE = 111_320.0;

    private final SplittableRandom random;
    private final List<Car> cars = new ArrayList<>();
    private final long startMillis;
    private final double stepSeconds;
    private long readings;

    /**
     * @param stepSeconds simulated seconds between two readings of the same car (number of cars / rate)
     */
    SmartCarSimulation(long seed, int carCount, long startMillis, double stepSeconds) {
        this.random = new SplittableRandom(seed);
        this.startMillis = startMillis;
        this.stepSeconds = stepSeconds;
        for (int i = 0; i < carCount; i++) {
            cars.add(new Car(String.format(Locale.ROOT, "car-%03d", i + 1), random.split()));
        }
    }

    /** The key (car id) and JSON value of the next reading; cars take turns. */
    String[] next() {
        Car car = cars.get((int) (readings % cars.size()));
        long tick = readings / cars.size();
        long timestamp = startMillis + Math.round((readings * stepSeconds / cars.size()) * 1000.0);
        readings++;
        String event = car.advance(stepSeconds);
        return new String[] {car.id, car.json(timestamp, tick, event)};
    }

    private static final class Car {
        final String id;
        final SplittableRandom random;
        final boolean electric;
        final List<double[]> route = new ArrayList<>();
        int nextWaypoint = 1;
        double lat;
        double lon;
        double heading;
        double speedKmh;
        double targetKmh;
        double energyPct;
        double engineTempC;
        double odometerKm;

        Car(String id, SplittableRandom random) {
            this.id = id;
            this.random = random;
            this.electric = random.nextDouble() < 0.5;
            double radiusM = 1_500 + random.nextDouble() * 4_000;
            double phase = random.nextDouble() * 2 * Math.PI;
            int waypoints = 8 + random.nextInt(8);
            for (int i = 0; i < waypoints; i++) {
                double angle = phase + 2 * Math.PI * i / waypoints;
                double r = radiusM * (0.7 + 0.6 * random.nextDouble());
                route.add(new double[] {CENTRE_LAT + r * Math.sin(angle) / METRES_PER_DEGREE,
                    CENTRE_LON + r * Math.cos(angle) / (METRES_PER_DEGREE * Math.cos(Math.toRadians(CENTRE_LAT)))});
            }
            lat = route.get(0)[0];
            lon = route.get(0)[1];
            speedKmh = 0;
            targetKmh = 30 + random.nextDouble() * 30;
            energyPct = 40 + random.nextDouble() * 60;
            engineTempC = electric ? 25 + random.nextDouble() * 5 : 70 + random.nextDouble() * 10;
            odometerKm = Math.round(random.nextDouble() * 80_000 * 10) / 10.0;
        }

        /** Moves the car {@code dt} seconds on; returns the event of this step, or null. */
        String advance(double dt) {
            String event = null;
            if (random.nextDouble() < 0.05) {
                targetKmh = random.nextDouble() < 0.15 ? 0 : 20 + random.nextDouble() * 50;
            }
            double before = speedKmh;
            if (random.nextDouble() < 0.01 && speedKmh > 30) {
                speedKmh = Math.max(0, speedKmh - (20 + random.nextDouble() * 15));
                event = "hard_braking";
            } else {
                double maxChange = 12 * dt;
                speedKmh += Math.max(-maxChange, Math.min(maxChange, targetKmh - speedKmh)) + random.nextDouble() * 2 - 1;
                speedKmh = Math.max(0, Math.min(130, speedKmh));
                if (speedKmh - before > 10 * dt && speedKmh - before > 8) {
                    event = "rapid_acceleration";
                }
            }
            double metres = speedKmh / 3.6 * dt;
            odometerKm += metres / 1000;
            move(metres);
            double load = speedKmh / 100 + Math.abs(speedKmh - before) / 20;
            energyPct -= metres / 1000 * (electric ? 0.18 : 0.12) + dt * 0.0005;
            if (energyPct < 5) {
                energyPct = 95 + random.nextDouble() * 5;
                event = electric ? "charged" : "refuelled";
            } else if (event == null && energyPct < 15 && random.nextDouble() < 0.05) {
                event = electric ? "low_battery" : "low_fuel";
            }
            double idle = electric ? 30 : 88;
            engineTempC += (idle + 25 * load - engineTempC) * Math.min(1, 0.1 * dt) + random.nextDouble() * 0.6 - 0.3;
            if (event == null && engineTempC > 105) {
                event = "engine_overheat";
            }
            return event;
        }

        private void move(double metres) {
            while (metres > 0) {
                double[] target = route.get(nextWaypoint);
                double north = (target[0] - lat) * METRES_PER_DEGREE;
                double east = (target[1] - lon) * METRES_PER_DEGREE * Math.cos(Math.toRadians(lat));
                double distance = Math.hypot(north, east);
                if (distance > 0) {
                    heading = (Math.toDegrees(Math.atan2(east, north)) + 360) % 360;
                }
                if (distance <= metres) {
                    lat = target[0];
                    lon = target[1];
                    metres -= distance;
                    nextWaypoint = (nextWaypoint + 1) % route.size();
                } else {
                    lat += north / distance * metres / METRES_PER_DEGREE;
                    lon += east / distance * metres / (METRES_PER_DEGREE * Math.cos(Math.toRadians(lat)));
                    metres = 0;
                }
            }
        }

        String json(long timestamp, long sequence, String event) {
            return String.format(Locale.ROOT, "{\"car_id\":\"%s\",\"timestamp\":%d,\"seq\":%d,\"speed_kmh\":%.1f,\"lat\":%.6f,"
                    + "\"lon\":%.6f,\"heading_deg\":%.1f,\"%s\":%.1f,\"engine_temp_c\":%.1f,\"odometer_km\":%.2f,\"event\":%s}",
                id, timestamp, sequence, speedKmh, lat, lon, heading, electric ? "battery_pct" : "fuel_pct", energyPct,
                engineTempC, odometerKm, event == null ? "null" : "\"" + event + "\"");
        }
    }
}
