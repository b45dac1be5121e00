"""Automation's configuration changes (rules, macros) in its audit log."""

from ticketflow_common.audit import ServiceAudit

audit = ServiceAudit("automation")
