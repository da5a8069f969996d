-- Admission sums what a tenant's running jobs are still expected to spend at every submission; without
-- this index that read scanned all of the tenant's jobs (a queue of thousands made each submit slow).
CREATE INDEX jobs_running_tenant ON jobs (tenant) WHERE state IN ('ADMITTED', 'RUNNING');
