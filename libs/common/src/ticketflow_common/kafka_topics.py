"""Creates every topic and DLQ topic idempotently: `python -m ticketflow_common.kafka_topics`."""

import argparse
import asyncio
import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from ticketflow_common.topics import PARTITIONS, TopicNames, all_topic_names

log = logging.getLogger(__name__)


async def ensure_topics(
    *,
    bootstrap_servers: str,
    names: TopicNames,
    partitions: int = PARTITIONS,
    only: list[str] | None = None,
) -> list[str]:
    """Create the missing topics (all of them, or `only` these) and return the ones created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [names.physical(t) for t in (only or all_topic_names())]
        missing = [t for t in wanted if t not in existing]
        if missing:
            await admin.create_topics(
                [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in missing]
            )
        return missing
    finally:
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--prefix", default="")
    args = parser.parse_args()
    created = asyncio.run(
        ensure_topics(bootstrap_servers=args.bootstrap_servers, names=TopicNames(args.prefix))
    )
    print(f"topics: {len(all_topic_names())} wanted, {len(created)} created")


if __name__ == "__main__":
    main()
