"""Identity's changes to access in its audit log (`ticketflow_common.audit`): principals, API
keys and signing keys, each as its API shows it (never a key's token)."""

from ticketflow_common.audit import ServiceAudit

audit = ServiceAudit("identity")
