-- Signals and the pipeline's lookups. FROZEN once landed: change it with a new migration.
-- Invariants kept by the database itself:
--   * a signal id is unique forever: a repeated POST is answered from the stored row (ON CONFLICT).
--   * status is one of SIGNAL_STATUSES (src/domain/signal.ts); execution_mode one of EXECUTION_MODES.
--   * a signal's trade, when it has one, exists in bot_trade.
--   * decimals inside input / size / denial jsonb are strings (exact), never JSON numbers.
-- Timestamps come from the injected Clock (no now() defaults), as in 0001.

CREATE TABLE signal (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  received_at timestamptz NOT NULL,
  -- copied out of input so the symbol filter and the duplicate lookups can use an index
  symbol text NOT NULL CHECK (symbol <> ''),
  input jsonb NOT NULL,
  execution_mode text NOT NULL CHECK (execution_mode IN ('signal_only', 'semi_auto', 'full_auto')),
  stars integer CHECK (stars BETWEEN 1 AND 5),
  status text NOT NULL CHECK (status IN (
    'logged', 'fired', 'skipped', 'skipped_duplicate', 'pending', 'approved', 'rejected', 'expired')),
  denial jsonb,
  verdicts jsonb NOT NULL DEFAULT '[]',
  size jsonb,
  trade_id uuid REFERENCES bot_trade (id),
  expires_at timestamptz,
  decided_at timestamptz,
  note text
);
-- GET /api/signals?status=… pages newest first; (received_at, id) is the cursor's order
CREATE INDEX signal_status_received_idx ON signal (status, received_at DESC, id DESC);
CREATE INDEX signal_received_idx ON signal (received_at DESC, id DESC);
CREATE INDEX signal_symbol_idx ON signal (symbol, received_at DESC);
-- the expiry sweep only ever looks at pending signals
CREATE INDEX signal_pending_expiry_idx ON signal (expires_at) WHERE status = 'pending';
CREATE INDEX signal_trade_idx ON signal (trade_id) WHERE trade_id IS NOT NULL;

-- bot_trade already carries everything the pipeline persists (entry/exit order ids, peak price,
-- entry time); what it lacks are the lookups fill routing and the journal read side make.
CREATE INDEX bot_trade_entry_order_id_idx ON bot_trade (entry_order_id) WHERE entry_order_id IS NOT NULL;
CREATE INDEX bot_trade_exit_order_id_idx ON bot_trade (exit_order_id) WHERE exit_order_id IS NOT NULL;
CREATE INDEX bot_trade_signal_id_idx ON bot_trade (signal_id) WHERE signal_id IS NOT NULL;
-- GET /api/trades pages newest first by (created_at, id)
CREATE INDEX bot_trade_created_id_idx ON bot_trade (created_at DESC, id DESC);
-- a trade's provenance: every journal entry about its id, order ids and signal id
CREATE INDEX event_journal_subject_idx ON event_journal (subject, id) WHERE subject IS NOT NULL;
