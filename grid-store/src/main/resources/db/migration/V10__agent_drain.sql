-- An operator drains an agent (maintenance): its node takes no new work while its running tasks go on.
ALTER TABLE agents ADD COLUMN draining BOOLEAN NOT NULL DEFAULT FALSE;
