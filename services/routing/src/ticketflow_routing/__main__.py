from ticketflow_routing.main import run

run()
