from sla.main import run

run()
