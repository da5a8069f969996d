package io.computegrid.server.serving;

import io.computegrid.server.api.Json;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.JsonNode;

/** SQL for services, their events and their replica jobs: the one place that knows the services tables. */
public final class ServiceStore {
    private final Jdbi jdbi;

    public ServiceStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** One row of the services table. */
    public record ServiceRow(long id, String tenant, String name, String specJson, String state, int desired,
                             int failures, Timestamp nextReplicaAt, Timestamp exitsSeenAt, int replicasCreated,
                             int generation, Timestamp createdAt, Timestamp updatedAt, Timestamp deletedAt) {
        static ServiceRow of(ResultSet rs) throws SQLException {
            return new ServiceRow(rs.getLong("id"), rs.getString("tenant"), rs.getString("name"), rs.getString("spec"),
                    rs.getString("state"), rs.getInt("desired_replicas"), rs.getInt("failures"),
                    rs.getTimestamp("next_replica_at"), rs.getTimestamp("exits_seen_at"), rs.getInt("replicas_created"),
                    rs.getInt("generation"), rs.getTimestamp("created_at"), rs.getTimestamp("updated_at"),
                    rs.getTimestamp("deleted_at"));
        }

        public boolean active() {
            return "ACTIVE".equals(state);
        }
    }

    /** A replica job that holds or waits for cards, with its current attempt's task. */
    public record ReplicaRow(long jobId, long serviceId, String state, int attempt, String stopRequest, String center,
                             String node, String endpoint, String taskState, Timestamp startedAt) {
    }

    /** A replica job that ended. */
    public record Exit(long jobId, String state, String reason, Timestamp finishedAt) {
    }

    public long insert(Handle h, String tenant, String name, JsonNode spec, int desired) {
        return h.createUpdate("INSERT INTO services(tenant, name, spec, desired_replicas) "
                        + "VALUES (:t, :n, CAST(:s AS jsonb), :d)")
                .bind("t", tenant).bind("n", name).bind("s", Json.MAPPER.writeValueAsString(spec)).bind("d", desired)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    public Optional<ServiceRow> find(Handle h, long id, boolean forUpdate) {
        return h.createQuery("SELECT * FROM services WHERE id = :id" + (forUpdate ? " FOR UPDATE" : ""))
                .bind("id", id).map((rs, c) -> ServiceRow.of(rs)).findOne();
    }

    public Optional<ServiceRow> find(long id) {
        return jdbi.withHandle(h -> find(h, id, false));
    }

    public Optional<ServiceRow> findLive(Handle h, String tenant, String name) {
        return h.createQuery("SELECT * FROM services WHERE tenant = :t AND name = :n AND state = 'ACTIVE'")
                .bind("t", tenant).bind("n", name).map((rs, c) -> ServiceRow.of(rs)).findOne();
    }

    /** Services visible under the filters (null: any), newest first. */
    public List<ServiceRow> list(String tenant, String state, String name) {
        StringBuilder sql = new StringBuilder("SELECT * FROM services WHERE TRUE");
        if (tenant != null) {
            sql.append(" AND tenant = :t");
        }
        if (state != null) {
            sql.append(" AND state = :s");
        }
        if (name != null) {
            sql.append(" AND name = :n");
        }
        sql.append(" ORDER BY id DESC LIMIT 1000");
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString());
            if (tenant != null) {
                q.bind("t", tenant);
            }
            if (state != null) {
                q.bind("s", state);
            }
            if (name != null) {
                q.bind("n", name);
            }
            return q.map((rs, c) -> ServiceRow.of(rs)).list();
        });
    }

    /** What the controller reconciles: live services, and deleted ones that still have replicas to drain. */
    public List<ServiceRow> toReconcile() {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT * FROM services s WHERE s.state = 'ACTIVE' OR EXISTS (SELECT 1 FROM jobs j
                    WHERE j.service_id = s.id AND j.state IN ('PENDING', 'ADMITTED', 'RUNNING')) ORDER BY id""")
                .map((rs, c) -> ServiceRow.of(rs)).list());
    }

    /** Every live replica job, with where its current attempt runs and listens. */
    public List<ReplicaRow> liveReplicas(Long serviceId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT j.id, j.service_id, j.state, j.attempt, j.stop_request, j.center, t.node, t.endpoint,
                               t.state AS task_state, t.started_at
                        FROM jobs j LEFT JOIN tasks t ON t.job_id = j.id AND t.attempt = j.attempt AND t.idx = 0
                        WHERE j.service_id IS NOT NULL AND j.state IN ('PENDING', 'ADMITTED', 'RUNNING')"""
                        + (serviceId == null ? "" : " AND j.service_id = :s") + " ORDER BY j.id")
                .bindMap(serviceId == null ? Map.of() : Map.of("s", serviceId))
                .map((rs, c) -> new ReplicaRow(rs.getLong("id"), rs.getLong("service_id"), rs.getString("state"),
                        rs.getInt("attempt"), rs.getString("stop_request"), rs.getString("center"), rs.getString("node"),
                        rs.getString("endpoint"), rs.getString("task_state"), rs.getTimestamp("started_at")))
                .list());
    }

    /** Replica jobs of a service that ended after {@code since}, oldest first. */
    public List<Exit> exitsSince(Handle h, long serviceId, Timestamp since) {
        return h.createQuery("""
                        SELECT id, state, reason, finished_at FROM jobs WHERE service_id = :s
                          AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED') AND finished_at > :since
                        ORDER BY finished_at, id""")
                .bind("s", serviceId).bind("since", since)
                .map((rs, c) -> new Exit(rs.getLong("id"), rs.getString("state"), rs.getString("reason"),
                        rs.getTimestamp("finished_at"))).list();
    }

    public void event(Handle h, long serviceId, String type, String message) {
        h.createUpdate("INSERT INTO service_events(service_id, type, message) VALUES (:s, :t, :m)")
                .bind("s", serviceId).bind("t", type)
                .bind("m", message.length() > 2000 ? message.substring(0, 2000) + "..." : message).execute();
    }

    public List<Map<String, Object>> events(long serviceId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM (SELECT id, at, type, message FROM service_events WHERE service_id = :s
                                       ORDER BY id DESC LIMIT :l) e ORDER BY id""")
                .bind("s", serviceId).bind("l", limit)
                .map((rs, c) -> Json.map("id", rs.getLong("id"), "at", rs.getTimestamp("at").toInstant().toString(),
                        "type", rs.getString("type"), "message", rs.getString("message"))).list());
    }

    /** Card-seconds and cost metered so far for the replicas of each service, by service id. */
    public Map<Long, BigDecimal[]> usage(List<Long> serviceIds) {
        Map<Long, BigDecimal[]> out = new HashMap<>();
        if (serviceIds.isEmpty()) {
            return out;
        }
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT j.service_id, COALESCE(sum(u.card_seconds), 0) AS cs, COALESCE(sum(u.cost), 0) AS cost
                        FROM metering_usage u JOIN jobs j ON j.id = u.job_id
                        WHERE j.service_id = ANY(:ids) GROUP BY j.service_id""")
                .bindArray("ids", Long.class, serviceIds)
                .map((rs, c) -> out.put(rs.getLong(1), new BigDecimal[]{rs.getBigDecimal("cs"), rs.getBigDecimal("cost")}))
                .list());
        return out;
    }

    public void setDesired(Handle h, long id, int desired) {
        h.createUpdate("UPDATE services SET desired_replicas = :d, updated_at = now() WHERE id = :id")
                .bind("d", desired).bind("id", id).execute();
    }

    public void setFailures(Handle h, long id, int failures, Timestamp nextReplicaAt, Timestamp exitsSeenAt) {
        h.createUpdate("UPDATE services SET failures = :f, next_replica_at = :n, exits_seen_at = :e WHERE id = :id")
                .bind("f", failures).bind("n", nextReplicaAt).bind("e", exitsSeenAt).bind("id", id).execute();
    }

    public void resetFailures(long id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE services SET failures = 0, next_replica_at = NULL "
                + "WHERE id = :id AND failures > 0").bind("id", id).execute());
    }

    public void updateSpec(Handle h, long id, JsonNode spec, int desired) {
        h.createUpdate("UPDATE services SET spec = CAST(:s AS jsonb), desired_replicas = :d, generation = generation + 1, "
                        + "updated_at = now() WHERE id = :id")
                .bind("s", Json.MAPPER.writeValueAsString(spec)).bind("d", desired).bind("id", id).execute();
    }

    public void markDeleted(Handle h, long id) {
        h.createUpdate("UPDATE services SET state = 'DELETED', desired_replicas = 0, deleted_at = now(), "
                + "updated_at = now() WHERE id = :id").bind("id", id).execute();
    }

    /** The next replica's sequence number (names it: chat-r7). */
    public int nextReplicaNumber(Handle h, long id) {
        return h.createQuery("UPDATE services SET replicas_created = replicas_created + 1 WHERE id = :id "
                + "RETURNING replicas_created").bind("id", id).mapTo(Integer.class).one();
    }

    public void markReplica(Handle h, long jobId, long serviceId) {
        h.createUpdate("UPDATE jobs SET service_id = :s WHERE id = :j").bind("s", serviceId).bind("j", jobId).execute();
    }

    /** Cancels a replica that has not been placed yet; false when it was placed meanwhile. */
    public boolean cancelPending(Handle h, long jobId, String reason) {
        return h.createUpdate("UPDATE jobs SET state = 'CANCELLED', finished_at = now(), reason = :r, updated_at = now() "
                + "WHERE id = :j AND state = 'PENDING'").bind("r", reason).bind("j", jobId).execute() == 1;
    }
}
