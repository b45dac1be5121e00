-- Problems and known errors: whether requesters may read a problem's known error, and the
-- known-error list (newest first, by category).

ALTER TABLE problems ADD COLUMN public boolean NOT NULL DEFAULT false;

CREATE INDEX problems_known_errors ON problems (known_error_at DESC, problem_id)
    WHERE status IN ('known_error', 'resolved');
