from ticketflow_sla.main import run

run()
