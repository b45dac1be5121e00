"""Who changes an escalation policy (#17): the lead of the team it names; admins any."""

from ticketflow_common.identity import Principal


def may_change_escalations_of(principal: Principal, team: str | None) -> bool:
    """A policy naming no team is the admins' only."""
    if principal.role == "admin":
        return True
    teams = {str(t) for t in principal.teams}
    return principal.role == "lead" and team is not None and team in teams
