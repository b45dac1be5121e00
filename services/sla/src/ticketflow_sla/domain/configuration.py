"""Policies, calendars and escalation policies as of one version: what a replica keeps in memory
so that a ticket's clocks start without reading them (`commands/configuration.py`)."""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from ticketflow_common.business_time import ALWAYS_OPEN, WorkingCalendar
from ticketflow_sla.domain.escalations import EscalationPolicy
from ticketflow_sla.domain.policies import Policy, match_policy
from ticketflow_sla.domain.tickets import TicketProjection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Configuration:
    """Every policy by name (archived too: running clocks keep theirs), the live ones in
    matching order, every calendar's arithmetic and every escalation policy, at `version`."""

    version: UUID
    policies: Mapping[str, Policy]
    live_policies: Sequence[Policy]
    calendars: Mapping[str, WorkingCalendar]
    escalations: Mapping[str, EscalationPolicy]

    def match(self, ticket: TicketProjection) -> Policy | None:
        return match_policy(self.live_policies, ticket)

    def policy(self, name: str) -> Policy | None:
        return self.policies.get(name)

    def calendar(self, name: str) -> WorkingCalendar:
        """The named calendar; round the clock if it does not exist (logged: a policy names it)."""
        found = self.calendars.get(name)
        if found is None:
            log.warning("unknown calendar, counting 24x7", extra={"calendar": name})
            return ALWAYS_OPEN
        return found

    def escalation_of(self, policy: Policy | None) -> EscalationPolicy | None:
        """The escalation policy a policy names, if any."""
        if policy is None or policy.escalation_policy is None:
            return None
        return self.escalations.get(policy.escalation_policy)
