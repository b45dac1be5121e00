from ticketflow_console.main import run

run()
