-- Replay runs (RetrainLoop, RescoreLoop): what the run replays (Replay as JSON; null for a live run), and a re-score's
-- comparison of recorded and new results (RescoreReport as JSON).
ALTER TABLE runs ADD COLUMN replay TEXT;
ALTER TABLE runs ADD COLUMN report TEXT;
