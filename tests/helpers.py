"""Types shared by tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout parsed as JSON (fails the test if stdout holds anything else)."""
        return json.loads(self.stdout)


class Cli(Protocol):
    def __call__(self, *args: str, input: str | None = None) -> CliResult: ...
