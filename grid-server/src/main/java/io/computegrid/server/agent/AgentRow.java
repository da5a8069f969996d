package io.computegrid.server.agent;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * One agent as the store holds it: where it belongs, what it offers, how it is reached, when it last spoke, and
 * whether an operator drains it (its node takes no new work).
 */
record AgentRow(long id, String center, String name, String node, String pool, String accelerator, int cards,
                int cpuMilli, long memoryMiB, String address, int portFrom, int portTo, String version,
                String session, String status, String statusReason, Instant registeredAt, Instant lastHeartbeat,
                boolean draining) {
    static final String UP = "UP";
    static final String DOWN = "DOWN";
    static final String LEFT = "LEFT";

    static AgentRow of(ResultSet rs) throws SQLException {
        return new AgentRow(rs.getLong("id"), rs.getString("center"), rs.getString("name"), rs.getString("node"),
                rs.getString("pool"), rs.getString("accelerator"), rs.getInt("cards"), rs.getInt("cpu_milli"),
                rs.getLong("memory_mib"), rs.getString("address"), rs.getInt("port_from"), rs.getInt("port_to"),
                rs.getString("version"), rs.getString("session"), rs.getString("status"),
                rs.getString("status_reason"), rs.getTimestamp("registered_at").toInstant(),
                rs.getTimestamp("last_heartbeat").toInstant(), rs.getBoolean("draining"));
    }
}
