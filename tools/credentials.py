"""The demo tools' credential, the CLI's: the identity API key `make run` writes
(`TICKETFLOW_API_KEY`), exchanged at identity for an access token every service takes, else
each service's own `<SERVICE>_API_TOKEN` (services run without identity)."""

from collections.abc import Iterator, Mapping

from ticketflow_cli.credentials import bearer_for
from ticketflow_cli.settings import CliSettings, Service, load_settings


class Bearers(Mapping[str, str]):
    """service -> the bearer to send it, looked up (and refreshed before expiry) on each use."""

    def __init__(self, services: tuple[str, ...], settings: CliSettings | None = None) -> None:
        self.services = services
        self.settings = settings or load_settings()

    def __getitem__(self, service: str) -> str:
        if service not in self.services:
            raise KeyError(service)
        known: Service = service  # type: ignore[assignment]
        return bearer_for(self.settings, known).value()

    def __iter__(self) -> Iterator[str]:
        return iter(self.services)

    def __len__(self) -> int:
        return len(self.services)


def bearer(service: str) -> str:
    """The bearer for one service, or a `CommandFailed` naming the variable to set."""
    return Bearers((service,))[service]
