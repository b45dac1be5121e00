from ticketflow_identity.main import run

run()
