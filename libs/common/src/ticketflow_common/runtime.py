"""What a running service holds: its settings, pool, producer, consumers and topic names."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import asyncpg
from aiokafka import AIOKafkaProducer

from ticketflow_common.settings import ServiceSettings
from ticketflow_common.topics import TopicNames

if TYPE_CHECKING:
    from ticketflow_common.consumer import EventConsumer


@dataclass
class Runtime:
    """Handed to routes (through `RuntimeDep`) and to background loops."""

    service: str
    settings: ServiceSettings
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    names: TopicNames
    consumers: list["EventConsumer"] = field(default_factory=list)
