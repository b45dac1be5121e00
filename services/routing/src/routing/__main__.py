from routing.main import run

run()
