-- The console's job list (issue 9): filters by exact name and by a tenant's state, newest first.
-- Without these, a rare name or a tenant's rare state scanned every job backwards by id
-- (44 ms at 100,000 jobs, growing with the store); with them each page is an index range.
CREATE INDEX jobs_name ON jobs (name, id DESC);
CREATE INDEX jobs_tenant_state ON jobs (tenant, state, id DESC);
-- Utilisation over a range reads the tasks that held cards in it: finished tasks of earlier ranges
-- are skipped through this index instead of a scan of every task ever run.
CREATE INDEX tasks_finished ON tasks (finished_at);
