"""Dependency aliases for notify's routes."""

from ticketflow_common.web import PoolDep

__all__ = ["PoolDep"]
