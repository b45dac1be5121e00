"""Which reply may be a ticket's solution: one the requester saw, written by staff."""

from ticketflow_intake.domain.conversation import Comment

SOLUTION_AUTHORS = frozenset({"agent", "admin"})


def solution_refusal(comment: Comment) -> str | None:
    """Why `comment` cannot be a solution, or None when it can: knowledge learns solutions as
    answers staff gave, so an internal note (never sent) or a requester's own words are not."""
    if not comment.public:
        return "an internal note cannot be a solution: only a public reply the requester saw"
    if comment.author_role not in SOLUTION_AUTHORS:
        return (
            f"a reply by a {comment.author_role} cannot be a solution: only an agent's or admin's"
        )
    return None
