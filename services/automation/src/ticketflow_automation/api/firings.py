"""Thin routes: firings (filled in by its owner; see docs/automation.md)."""

from fastapi import APIRouter

router = APIRouter(tags=["automation"])
