"""Errors a user sees as a message, never as a traceback."""

from __future__ import annotations


class DealplanError(Exception):
    """An error with a message fit for the user; `exit_code` is what the CLI exits with."""

    exit_code = 1


class NotFoundError(DealplanError):
    pass


class InputError(DealplanError):
    """Bad input: a file, a value or an option that cannot be used as given."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
