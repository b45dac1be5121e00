"""Why a command failed, as one line on stderr and a documented exit code."""

from enum import IntEnum


class ExitCode(IntEnum):
    """`ticketflow` exit codes (2 is also what typer uses for bad usage)."""

    OK = 0
    REFUSED = 1  # the service answered with an error other than those below (409, 422, 5xx)
    CONFIGURATION = 2  # bad usage, a missing token, an invalid setting
    UNREACHABLE = 3  # a service or Kafka did not answer
    NOT_FOUND = 4
    UNAUTHORIZED = 5  # 401 or 403: the token is wrong or lacks the scope


class CommandFailed(Exception):
    """Raised by commands; the entry point prints `error: <message>` and exits with `code`."""

    def __init__(self, message: str, *, code: ExitCode = ExitCode.REFUSED) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
