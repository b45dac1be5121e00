from ticketflow_mail.main import run

run()
