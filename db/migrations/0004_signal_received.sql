-- A signal is stored as 'received' BEFORE its 202 when its decision has to wait for the broker (an
-- account, market clock or price read), so a crash after the answer never loses it; the decision
-- then updates the row (compare-and-set on 'received'). FROZEN once landed.
ALTER TABLE signal DROP CONSTRAINT signal_status_check;
ALTER TABLE signal ADD CONSTRAINT signal_status_check CHECK (status IN (
  'received', 'logged', 'fired', 'skipped', 'skipped_duplicate', 'pending', 'approved', 'rejected', 'expired'));
-- the restart looks only at signals still waiting for their decision
CREATE INDEX signal_received_pending_idx ON signal (received_at) WHERE status = 'received';
