from ticketflow_automation.main import run

run()
