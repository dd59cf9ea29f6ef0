-- A reward's per-benchmark timings (a JSON list of protocol BenchmarkStat), shown with the run's best program.
ALTER TABLE rollouts ADD COLUMN benchmarks TEXT;
