from ticketflow_notify.main import run

run()
