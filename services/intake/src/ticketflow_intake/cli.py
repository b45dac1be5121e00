"""Operator commands: `python -m ticketflow_intake.cli create-admin --name ops` prints a key."""

import argparse
import asyncio

from ticketflow_common.db import create_pool
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_intake.domain.access import generate_key
from ticketflow_intake.settings import IntakeSettings
from ticketflow_intake.store.credentials import insert_credential


async def create_admin(settings: IntakeSettings, name: str) -> str:
    """Issue an admin API key (the first one, typically) and return its token."""
    pool = await create_pool(
        dsn=settings.database_url.get_secret_value(), schema="intake", max_size=2
    )
    try:
        async with pool.acquire() as conn:
            await apply_migrations(
                conn=conn, schema="intake", migrations=service_migrations("intake")
            )
            key = generate_key()
            await insert_credential(
                conn=conn,
                key_id=key.key_id,
                secret=key.secret,
                name=name,
                role="admin",
                subject=name,
            )
    finally:
        await pool.close()
    return key.token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="issue an admin API key and print it once")
    admin.add_argument("--name", required=True)
    args = parser.parse_args()
    token = asyncio.run(create_admin(IntakeSettings(), args.name))
    print(token)


if __name__ == "__main__":
    main()
