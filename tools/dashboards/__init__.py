"""Ticketflow's Grafana dashboards, written as Python and rendered to infra/grafana/dashboards."""
