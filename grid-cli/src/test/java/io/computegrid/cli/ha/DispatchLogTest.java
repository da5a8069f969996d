package io.computegrid.cli.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The markers tasks write, and the checks of zero double dispatch made from them. */
class DispatchLogTest {
    @TempDir
    Path dir;

    @Test
    void aTaskMarksItsStartAndItsEndAlsoWhenStopped() throws Exception {
        Path log = dir.resolve("it's markers.log");
        ProcessBuilder pb = new ProcessBuilder(DispatchLog.command(log, 30));
        pb.environment().put("GRID_JOB_ID", "7");
        pb.environment().put("GRID_ATTEMPT", "2");
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!Files.exists(log) || Files.readString(log).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroy(); // SIGTERM, as a stop does
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        DispatchLog.Check c = DispatchLog.check(log);
        assertThat(c.attempts()).isEqualTo(1);
        assertThat(c.unfinished()).isEmpty();
        assertThat(c.clean()).isTrue();
        assertThat(Files.readString(log)).startsWith("start 7 2 " + p.pid() + " ").contains("end 7 2 " + p.pid());
    }

    @Test
    void aSecondStartOfOneAttemptAndOverlappingAttemptsAreFound() throws Exception {
        Path log = dir.resolve("m.log");
        Files.writeString(log, """
                start 1 1 100 1000
                end 1 1 100 2000
                start 1 2 101 2500
                end 1 2 101 4000
                start 2 1 200 1000
                start 2 1 201 1500
                end 2 1 200 3000
                end 2 1 201 3100
                start 3 1 300 1000
                start 3 2 301 1200
                end 3 1 300 1300
                end 3 2 301 2000
                start 4 1 400 1000
                start 4 2 401 5000
                end 4 2 401 6000
                """);
        DispatchLog.Check c = DispatchLog.check(log);
        assertThat(c.jobs()).isEqualTo(4);
        assertThat(c.doubleStarts()).containsExactly("job 2 attempt 1 started 2 times");
        assertThat(c.overlaps()).hasSize(3).anyMatch(s -> s.startsWith("job 3: attempt 2 started 0.000 s before"))
                .anyMatch(s -> s.contains("job 4: attempt 2 started while attempt 1 never ended"))
                .anyMatch(s -> s.startsWith("job 2:"));
        assertThat(c.clean()).isFalse();
    }
}
