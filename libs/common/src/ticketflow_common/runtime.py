"""What a running service holds: its settings, clock, pool, producer, consumers and topics."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

import asyncpg
from aiokafka import AIOKafkaProducer

from ticketflow_common.clock import Clock, system_clock
from ticketflow_common.settings import ServiceSettings
from ticketflow_common.topics import TopicNames

if TYPE_CHECKING:
    from ticketflow_common.consumer import EventConsumer

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


@dataclass
class Runtime(Generic[SettingsT]):
    """The service context, built once per process (or test) and handed to routes (through
    `RuntimeDep`), event handlers and background loops; `clock` is the only source of `now`."""

    service: str
    settings: SettingsT
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    names: TopicNames
    clock: Clock = system_clock
    consumers: list["EventConsumer"] = field(default_factory=list)
