"""What the consumers' `fetch_max_wait_ms` adds to one hop: produce at a steady rate over a
12-partition topic, consume in a group as the services do, print the produce-to-consume
latency per setting.

    set -a; source .local/env; set +a
    uv run python -m bench.consumer_fetch_wait [--rate 10] [--seconds 15] [--waits 500 100 20]

aiokafka keeps one fetch in flight per broker: a partition whose records were just handed over
is fetched again only when the fetch of the others returns, that is when one of them has new
records or after `fetch_max_wait_ms`. Each message carries its send instant (perf_counter);
`cpu_ms_per_s` is this process's CPU (producer and consumer) per second of the run: what the
shorter wait costs.
"""

import argparse
import asyncio
import random
import struct
import time
import uuid

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.infra import bench_infra
from bench.latency import summarise
from ticketflow_common.kafka import new_consumer, new_producer


async def one_setting(
    bootstrap: str, *, wait_ms: int, rate: float, seconds: float
) -> dict[str, float | int]:
    topic = f"bench-fetch-wait-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=12, replication_factor=1)])
    finally:
        await admin.close()
    consumer = new_consumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=topic,
        client_id="bench-fetch-wait",
        fetch_max_wait_ms=wait_ms,
    )
    producer = new_producer(bootstrap, client_id="bench-fetch-wait")
    await consumer.start()
    await producer.start()
    latencies: list[float] = []
    expected = int(rate * seconds)
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)

        async def produce() -> None:
            rng = random.Random(7)
            start = time.perf_counter()
            for n in range(expected):
                await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
                await producer.send(
                    topic,
                    value=struct.pack("d", time.perf_counter()),
                    key=str(rng.random()).encode(),
                )

        cpu, wall = time.process_time(), time.perf_counter()
        sending = asyncio.create_task(produce())
        deadline = time.perf_counter() + seconds + 10
        while len(latencies) < expected and time.perf_counter() < deadline:
            for records in (await consumer.getmany(timeout_ms=200, max_records=200)).values():
                now = time.perf_counter()
                latencies += [(now - struct.unpack("d", r.value or b"")[0]) * 1000 for r in records]
        await sending
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        await producer.stop()
        await consumer.stop()
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.delete_topics([topic])
        finally:
            await admin.close()
    return {**summarise(latencies), "cpu_ms_per_s": round(1000 * cpu / wall, 1)}


async def main(*, rate: float, seconds: float, waits: list[int]) -> None:
    bootstrap = bench_infra().kafka_bootstrap_servers
    for wait_ms in waits:
        row = await one_setting(bootstrap, wait_ms=wait_ms, rate=rate, seconds=seconds)
        print(
            f"fetch_max_wait_ms {wait_ms:>4}: {rate:g}/s over 12 partitions, produce->consume {row}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--waits", type=int, nargs="+", default=[500, 100, 20])
    args = parser.parse_args()
    asyncio.run(main(rate=args.rate, seconds=args.seconds, waits=args.waits))
