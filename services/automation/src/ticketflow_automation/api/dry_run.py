"""Thin routes: dry run (filled in by its owner; see docs/automation.md)."""

from fastapi import APIRouter

router = APIRouter(tags=["automation"])
