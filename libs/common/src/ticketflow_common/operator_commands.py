"""`python -m ticketflow_<service> [command]`: serve, or run one operator command and exit; the
one parser every service with operator commands shares."""

import argparse
from collections.abc import Callable, Mapping
from typing import TypeAlias

from ticketflow_common.runtime import SettingsT
from ticketflow_common.service_main import ServiceSpec, run_service

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
OperatorCommand: TypeAlias = tuple[
    Callable[[Commands], None], Callable[[SettingsT, argparse.Namespace], None]
]
"""How a command adds its arguments, and what it does with the settings and them."""


def operator_parser(
    *, service: str, commands: Mapping[str, OperatorCommand[SettingsT]]
) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m ticketflow_{service}",
        description=f"Serve {service}; or, with a command, run an operator command and exit.",
    )
    subcommands = parser.add_subparsers(dest="command")
    for add, _ in commands.values():
        add(subcommands)
    return parser


def serve_or_run_command(
    spec: ServiceSpec[SettingsT],
    settings: Callable[[], SettingsT],
    commands: Mapping[str, OperatorCommand[SettingsT]],
) -> None:
    """Run the command named on the command line, else serve the service."""
    args = operator_parser(service=spec.name, commands=commands).parse_args()
    if args.command in commands:
        commands[args.command][1](settings(), args)
        return
    run_service(spec, settings())
