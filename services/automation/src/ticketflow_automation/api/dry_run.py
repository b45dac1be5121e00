"""Thin route: the dry run of a new or changed rule over the kept events."""

from fastapi import APIRouter

from ticketflow_automation.api.deps import NowDep, PoolDep, SettingsDep
from ticketflow_automation.api.rule_route import RuleRoute
from ticketflow_automation.commands.dry_run import DryRunAnswer, DryRunRequest, dry_run

router = APIRouter(tags=["automation"], route_class=RuleRoute)


@router.post("/rules/dry-run")
async def post_dry_run(
    body: DryRunRequest, pool: PoolDep, now: NowDep, settings: SettingsDep
) -> DryRunAnswer:
    """What `rule` (or the stored `rule_id`, or that rule changed to `rule`) would have done
    over [since, until] (default the last 7 days; at most the kept history), and for a stored
    rule what it did. Nothing is written or emitted."""
    async with pool.acquire() as conn:
        return await dry_run(
            conn=conn,
            request=body,
            history_days=settings.history_days,
            max_chain_depth=settings.max_chain_depth,
            now=now,
        )
