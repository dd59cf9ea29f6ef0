-- The mask semantics a run asked for (as-specified or official-all-ones; the problem pack's default when the request
-- named none). NULL for runs from before this column: their evaluators applied their own startup setting, which each
-- reward records.
ALTER TABLE runs ADD COLUMN mask_semantics VARCHAR(32);
