from ticketflow_knowledge.main import run

run()
