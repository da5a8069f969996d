package io.computegrid.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a seeded synthetic trace in the project's CSV format, for scale benchmarks: Poisson
 * arrivals, a Philly-like size mix (70% 1 card, 10% 2, 10% 4, 8% 8, 2% 16) and log-normal run times
 * (median 30 min, heavy tail, capped at 7 days). Submit times and durations are on a one-minute grid,
 * as a scheduler that runs once a minute would see them, so that events batch.
 */
public final class SyntheticTrace {
    private SyntheticTrace() {
    }

    public static void write(Path file, int jobs, int tenants, double jobsPerMinute, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("job_id,submit_time,duration,num_gpus,tenant\n");
            double t = 0;
            for (int i = 1; i <= jobs; i++) {
                t += -Math.log(1 - r.nextDouble()) / jobsPerMinute;
                long submit = (long) t * 60;
                double u = r.nextDouble();
                int gpus = u < 0.70 ? 1 : u < 0.80 ? 2 : u < 0.90 ? 4 : u < 0.98 ? 8 : 16;
                double z = gaussian(r);
                long minutes = Math.max(1, Math.min(7 * 24 * 60, Math.round(30 * Math.exp(1.6 * z))));
                w.write("s" + i + "," + submit + "," + minutes * 60 + "," + gpus + ",t" + (r.nextInt(tenants) + 1)
                        + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = 1 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** {@code SyntheticTrace FILE JOBS [TENANTS] [JOBS_PER_MINUTE] [SEED]}. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: SyntheticTrace FILE JOBS [TENANTS] [JOBS_PER_MINUTE] [SEED]");
            System.exit(2);
        }
        write(Path.of(args[0]), Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 20,
                args.length > 3 ? Double.parseDouble(args[3]) : 40, args.length > 4 ? Long.parseLong(args[4]) : 1);
    }
}
