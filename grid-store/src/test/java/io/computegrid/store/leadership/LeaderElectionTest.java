package io.computegrid.store.leadership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several candidates on one real PostgreSQL: one leads, the others stand by and take over; old epochs cannot write. */
class LeaderElectionTest {
    @TempDir
    static Path dir;
    static SharedPostgres shared;

    @BeforeAll
    static void start() {
        shared = new SharedPostgres(dir.resolve("pg"));
    }

    @AfterAll
    static void stop() {
        shared.close();
    }

    @Test
    void oneLeadsTheOtherStandsByNamingItAndTakesOverAtTheNextEpochWhenItStepsDown() throws Exception {
        Lease a = SharedPostgres.lead(shared.candidate("a"));
        List<Optional<LeaderRecord>> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean giveUp = new AtomicBoolean();
        CompletableFuture<Lease> b = CompletableFuture.supplyAsync(() -> {
            try {
                return shared.candidate("b").await(seen::add, giveUp::get);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(0)).get().satisfies(r -> {
            assertThat(r.epoch()).isEqualTo(a.epoch());
            assertThat(r.url()).isEqualTo("http://a");
        });
        Thread.sleep(600); // a few polls: b must still be standing by
        assertThat(b).isNotDone();
        assertThat(a.isValid()).isTrue();

        a.close();
        Lease lb = b.get(5, TimeUnit.SECONDS);
        try {
            assertThat(lb.epoch()).isEqualTo(a.epoch() + 1);
            assertThat(lb.previous()).get().extracting(LeaderRecord::holder).isEqualTo("a");
            assertThat(lb.previousLeaderQuietIn()).as("a stepped down cleanly").isZero();
            assertThat(shared.record()).get().extracting(LeaderRecord::url).isEqualTo("http://b");
        } finally {
            lb.close();
        }
    }

    @Test
    void aLeaderWhoseSessionEndsLosesAtOnceAndTheStandbyWaitsOutItsLeaseBeforeReactingToItsWork() throws Exception {
        Lease a = SharedPostgres.lead(shared.candidate("c"));
        CountDownLatch lost = new CountDownLatch(1);
        List<String> why = new ArrayList<>();
        a.onLost(r -> {
            why.add(r);
            lost.countDown();
        });
        AtomicBoolean giveUp = new AtomicBoolean();
        CompletableFuture<Lease> d = SharedPostgres.campaign(shared.candidate("d"), giveUp);
        shared.terminateSessionOf("c");
        assertThat(lost.await(5, TimeUnit.SECONDS)).as("the renewal notices within a second or two").isTrue();
        assertThat(why.get(0)).contains("database connection holding leadership failed");
        assertThatThrownBy(a::check).isInstanceOf(LeadershipLostException.class);
        Lease ld = d.get(5, TimeUnit.SECONDS);
        try {
            assertThat(ld.epoch()).isGreaterThan(a.epoch());
            assertThat(ld.previousLeaderQuietIn()).as("c did not step down: wait for its lease to run out")
                    .isPositive().isLessThanOrEqualTo(LeaseTiming.DEFAULT.leaseTimeout());
        } finally {
            a.close();
            ld.close();
        }
    }

    @Test
    void writesOfAnOldEpochAreFencedAndTheNewEpochWaitsForTheOnesInFlight() throws Exception {
        Lease first = SharedPostgres.lead(shared.candidate("e"));
        CountDownLatch firstLost = new CountDownLatch(1);
        first.onLost(r -> firstLost.countDown());
        try (Database db = Database.open(shared.target, first)) {
            db.jdbi().useHandle(h -> h.execute("INSERT INTO tenants(name) VALUES ('fenced-a') ON CONFLICT DO NOTHING"));
            try (Connection inFlight = db.dataSource().getConnection()) {
                inFlight.setAutoCommit(false);
                try (Statement st = inFlight.createStatement()) {
                    st.execute("UPDATE tenants SET weight = 2 WHERE name = 'fenced-a'"); // holds the shared FENCE lock
                }
                shared.terminateSessionOf("e"); // the election session dies; the pool's sessions live on
                AtomicBoolean giveUp = new AtomicBoolean();
                CompletableFuture<Lease> next = SharedPostgres.campaign(shared.candidate("f"), giveUp);
                Thread.sleep(3000); // longer than the election session's socket timeout
                assertThat(next).as("the new epoch waits for the old epoch's transaction").isNotDone();
                inFlight.commit(); // it was legitimate when it wrote: it commits
                Lease second = next.get(5, TimeUnit.SECONDS);
                try {
                    assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
                    assertThatThrownBy(() -> db.jdbi().useHandle(h ->
                            h.execute("UPDATE tenants SET weight = 3 WHERE name = 'fenced-a'")))
                            .satisfies(e -> assertThat(Fencing.isFenced(e)).isTrue())
                            .hasMessageContaining("epoch " + first.epoch());
                    assertThat(firstLost.await(5, TimeUnit.SECONDS)).isTrue();
                    try (Connection c = shared.raw(); Statement st = c.createStatement()) {
                        var rs = st.executeQuery("SELECT weight FROM tenants WHERE name = 'fenced-a'");
                        rs.next();
                        assertThat(rs.getDouble(1)).isEqualTo(2.0);
                    }
                } finally {
                    second.close();
                }
            }
        } finally {
            first.close();
        }
    }

    @Test
    void aSessionWithoutAnEpochCannotWrite() throws Exception {
        try (Lease l = SharedPostgres.lead(shared.candidate("g")); Database db = Database.open(shared.target, l);
             Connection c = shared.raw(); Statement st = c.createStatement()) {
            assertThat(db.lease().epoch()).isPositive();
            assertThatThrownBy(() -> st.execute("INSERT INTO settings(key, value) VALUES ('x', 'y')"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(Fencing.SQLSTATE))
                    .hasMessageContaining("none");
        }
    }

    @Test
    void aWrongPasswordStopsTheCampaignWithTheReasonInsteadOfWaitingForever() {
        io.computegrid.store.Postgres wrong = io.computegrid.store.Postgres.external(shared.pg.jdbcUrl(),
                io.computegrid.store.EmbeddedDatabase.USER, "not-the-password");
        LeaderElection e = new LeaderElection(wrong, new LeaderElection.Candidate("w", "http://w"), LeaseTiming.DEFAULT);
        assertThatThrownBy(() -> e.await(leader -> { }, () -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot use the database").hasMessageContaining("password authentication failed");
    }
}
