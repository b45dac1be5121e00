"""`ticketflow demo seed`: runs the repository's demo seeding (`tools/seed_demo.py`).

The seeding lives in `tools/` beside `infra/local/demo.sh`, which runs the same script, so
`make demo` and this command seed the same data; this command passes on the CLI's service
URLs and credential (the identity API key, else each service's token) and any extra options
the script takes.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from ticketflow_cli.credentials import credential_environment
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.settings import SERVICES, load_settings, url_variable

app = typer.Typer(help="Demo data.", no_args_is_help=True)

SEED_SCRIPT = Path("tools/seed_demo.py")


def checkout_root() -> Path:
    """The Ticketflow checkout holding the seeding script: above the working directory, else
    the one this package is installed from (a workspace member)."""
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / SEED_SCRIPT).is_file():
                return folder
    raise CommandFailed(
        "demo seed runs tools/seed_demo.py of a Ticketflow checkout; run it inside one",
        code=ExitCode.CONFIGURATION,
    )


@app.command("seed", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def seed(
    ctx: typer.Context,
    receiver_url: Annotated[
        str, typer.Option(help="Webhook receiver to register (make run starts one).")
    ] = "http://127.0.0.1:8099/hooks",
    secret_file: Annotated[
        Path | None,
        typer.Option(
            help="Where to keep its signing secret [default: .local/demo/webhook-secret]."
        ),
    ] = None,
) -> None:
    """Seed teams, agents, categories, an SLA policy, a webhook and tickets through the APIs.

    Options after `--` go to the seeding script unchanged.
    """
    settings = load_settings()
    root = checkout_root()
    env = {**os.environ, **credential_environment(settings, SERVICES)}
    for service in SERVICES:
        env[url_variable(service)] = settings.url(service)
    secret = secret_file or root / ".local" / "demo" / "webhook-secret"
    command = [
        sys.executable,
        "-m",
        "tools.seed_demo",
        "--receiver-url",
        receiver_url,
        "--secret-file",
        str(secret.resolve()),
        *ctx.args,
    ]
    finished = subprocess.run(command, cwd=root, env=env, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise CommandFailed(
            f"seeding failed (exit {finished.returncode}); see the output above",
            code=ExitCode.REFUSED,
        )
