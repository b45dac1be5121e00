"""Notify's configuration changes in its audit log (`ticketflow_common.audit`)."""

from ticketflow_common.audit import ServiceAudit

audit = ServiceAudit("notify")
