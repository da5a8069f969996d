package io.computegrid.server.leadership;

import io.computegrid.store.Postgres;
import io.computegrid.store.leadership.LeaderElection;
import io.computegrid.store.leadership.LeaderRecord;
import io.computegrid.store.leadership.Lease;
import io.computegrid.store.leadership.LeaseTiming;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a server becomes the active one: it stands by (its port answering 503 with the active server's URL,
 * one line on stdout per leader it waits for) until the election gives it the lease.
 */
public final class Campaign {
    private static final Logger log = LoggerFactory.getLogger(Campaign.class);

    private Campaign() {
    }

    /** Blocks until this server leads; {@code stop} gives up (InterruptedException). */
    public static Lease run(Postgres pg, String selfUrl, ServerStatus status, Consumer<String> announce,
                            BooleanSupplier stop) throws InterruptedException {
        LeaderElection election = new LeaderElection(pg, new LeaderElection.Candidate(holder(), selfUrl),
                LeaseTiming.DEFAULT);
        Lease lease = election.await(new LeaderElection.Observer() {
            @Override
            public void standingBy(Optional<LeaderRecord> leader) {
                // the line first: whoever sees this server as a standby has been told for whom
                if (leader.isPresent() && !leader.get().released()) {
                    String line = "standing by: the active server is " + leader.get().url() + " (epoch "
                            + leader.get().epoch() + "); " + selfUrl + " takes over when it stops";
                    log.info(line);
                    announce.accept(line);
                }
                status.standby(leader);
            }

            @Override
            public void unreachable(String problem) {
                status.unreachable(problem);
            }
        }, stop);
        status.leading(lease);
        return lease;
    }

    /** Who holds leadership, in the leader row and in logs: host and pid. */
    static String holder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid();
    }
}
