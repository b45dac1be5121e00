from ticketflow_intake.main import run

run()
