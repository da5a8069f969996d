package io.computegrid.cli.bench;

import org.jdbi.v3.core.Jdbi;

/**
 * Fills a fresh server's store with N jobs in a few set-based statements: mixed tenants (20 bench
 * tenants with no quota, so their pending jobs never start), states (mostly finished, 2% pending,
 * failed and cancelled ones), names repeating every 1,000 jobs, 1-4 tasks and three events per
 * started job, submissions one second apart (the oldest first).
 */
final class JobListSeeder {
    static final int TENANTS = 20;

    private JobListSeeder() {
    }

    static void seed(Jdbi jdbi, int jobs) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    INSERT INTO tenants(name, weight, region) SELECT 'bench-' || i, 1, 'default'
                    FROM generate_series(1, :t) i ON CONFLICT (name) DO NOTHING""").bind("t", TENANTS).execute();
            h.createUpdate("""
                    INSERT INTO quotas(tenant, accelerator, nominal, borrowing_limit, lending_limit)
                    SELECT 'bench-' || i, 'nvidia-a100', 0, 0, 0 FROM generate_series(1, :t) i
                    ON CONFLICT (tenant, accelerator) DO NOTHING""").bind("t", TENANTS).execute();
            h.createUpdate("""
                    INSERT INTO jobs(tenant, name, spec, state, priority_class, priority, submitted_at, started_at,
                                     finished_at, center, pool, accelerator, attempt, exit_code, reason)
                    SELECT 'bench-' || (1 + (i / 7) % :t), 'job-' || (i % 1000),
                           jsonb_build_object('name', 'job-' || (i % 1000), 'tenant', 'bench-' || (1 + (i / 7) % :t),
                               'tasks', 1 + i % 4, 'resources', jsonb_build_object('accelerator', 'nvidia-a100',
                               'count', 1, 'cpu', 1, 'memory', '1Gi'), 'command', jsonb_build_array('true'),
                               'maxRuntime', '10m'),
                           s.state, 'normal', 100, base + i * interval '1 second',
                           CASE WHEN s.state <> 'PENDING' THEN base + i * interval '1 second' + interval '5 seconds' END,
                           CASE WHEN s.state <> 'PENDING' THEN base + i * interval '1 second' + interval '65 seconds' END,
                           CASE WHEN s.state <> 'PENDING' THEN 'cloud' END, CASE WHEN s.state <> 'PENDING' THEN 'a100' END,
                           CASE WHEN s.state <> 'PENDING' THEN 'nvidia-a100' END,
                           CASE WHEN s.state <> 'PENDING' THEN 1 ELSE 0 END,
                           CASE s.state WHEN 'SUCCEEDED' THEN 0 WHEN 'FAILED' THEN 1 END,
                           CASE s.state WHEN 'SUCCEEDED' THEN 'all task(s) exited with code 0'
                                        WHEN 'FAILED' THEN 'task 0 exited with code 1'
                                        WHEN 'CANCELLED' THEN 'cancelled by the user' END
                    FROM generate_series(1, :n) i,
                         LATERAL (SELECT CASE WHEN i % 50 = 0 THEN 'PENDING' WHEN i % 10 = 1 THEN 'FAILED'
                                              WHEN i % 10 = 2 THEN 'CANCELLED' ELSE 'SUCCEEDED' END AS state) s,
                         LATERAL (SELECT now() - (:n + 3600) * interval '1 second' AS base) b""")
                    .bind("t", TENANTS).bind("n", jobs).execute();
            h.createUpdate("""
                    INSERT INTO tasks(job_id, attempt, idx, node, cards, milli_per_card, cpu_milli, memory_mib, state,
                                      exit_code, reason, started_at, finished_at, metered_until)
                    SELECT j.id, 1, k, 'cloud-a100-' || (k % 2), (k % 8)::text, 1000, 1000, 1024, 'EXITED',
                           j.exit_code, 'exited', j.started_at, j.finished_at, j.finished_at
                    FROM jobs j, generate_series(0, (j.spec->>'tasks')::int - 1) k
                    WHERE j.tenant LIKE 'bench-%' AND j.attempt = 1""").execute();
            h.createUpdate("""
                    INSERT INTO events(job_id, tenant, at, type, message)
                    SELECT j.id, j.tenant, j.submitted_at, 'SUBMITTED', 'submitted by the benchmark' FROM jobs j
                    WHERE j.tenant LIKE 'bench-%'
                    UNION ALL
                    SELECT j.id, j.tenant, j.started_at, 'RUNNING', 'started on cloud (attempt 1)' FROM jobs j
                    WHERE j.tenant LIKE 'bench-%' AND j.started_at IS NOT NULL
                    UNION ALL
                    SELECT j.id, j.tenant, j.finished_at, j.state, j.reason FROM jobs j
                    WHERE j.tenant LIKE 'bench-%' AND j.finished_at IS NOT NULL""").execute();
            h.execute("ANALYZE jobs");
            h.execute("ANALYZE tasks");
            h.execute("ANALYZE events");
        });
    }
}
