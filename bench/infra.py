"""Where benchmarks get Postgres and Kafka: the TICKETFLOW_* variables, else the local scripts."""

from tests.infra import Infra, from_environment, from_local_scripts


def bench_infra() -> Infra:
    return from_environment() or from_local_scripts()
