-- The suggestions flow: deflection figures count the suggestions made for tickets in a window,
-- and the answers given to them.

CREATE INDEX suggestions_for_tickets_made ON suggestions (created_at) WHERE ticket_id IS NOT NULL;
CREATE INDEX suggestions_requester ON suggestions (requester_id, created_at DESC);
