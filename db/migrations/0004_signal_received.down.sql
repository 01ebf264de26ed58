DROP INDEX signal_received_pending_idx;
-- a signal still waiting for its decision cannot be represented before this migration
UPDATE signal SET status = 'expired', decided_at = received_at, note = 'undecided when the schema was rolled back' WHERE status = 'received';
ALTER TABLE signal DROP CONSTRAINT signal_status_check;
ALTER TABLE signal ADD CONSTRAINT signal_status_check CHECK (status IN (
  'logged', 'fired', 'skipped', 'skipped_duplicate', 'pending', 'approved', 'rejected', 'expired'));
