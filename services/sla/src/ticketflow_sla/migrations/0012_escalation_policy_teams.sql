-- The team an escalation policy is for (#17): that team's lead may change it; a policy naming
-- no team is the admins' only.
ALTER TABLE escalation_policies ADD COLUMN team text;
