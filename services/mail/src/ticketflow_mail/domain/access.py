"""Who may read what in mail: admins and agents every ticket's attachments, a requester only
those of their own tickets (another's are answered as if they did not exist)."""

from ticketflow_common.access_tokens import ADMIN, Caller, CallerRole

ACCESS_AUDIENCE = "ticketflow-mail"


def sees_ticket(caller: Caller, *, requester_id: str) -> bool:
    """Staff see every ticket; a requester the ones they asked."""
    return caller.is_staff or caller.subject == requester_id


__all__ = ["ACCESS_AUDIENCE", "ADMIN", "Caller", "CallerRole", "sees_ticket"]
