from ticketflow_insights.main import run

run()
