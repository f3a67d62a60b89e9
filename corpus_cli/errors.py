"""The exit statuses and the errors the library raises for the command line to report."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit statuses, as grep and ripgrep use them."""

    OK = 0
    NOT_FOUND = 1  # grep found nothing, show missed an id, a check failed
    ERROR = 2  # bad usage or an error
    HANGUP = 129  # SIGHUP: the terminal went away (128 + SIGHUP)
    INTERRUPTED = 130  # Ctrl-C, as shells expect (128 + SIGINT)
    TERMINATED = 143  # SIGTERM: kill PID, a CI timeout (128 + SIGTERM)


class CorpusError(Exception):
    """An error with a message fit for the user: the CLI prints it as one line and exits."""

    status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, status: ExitStatus | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        return str(self.args[0])


class NotFound(CorpusError):
    """Something asked for does not exist (an id, a match): exit status 1."""

    status = ExitStatus.NOT_FOUND
