"""Problems found in an import file, each pinned to `file:line:column` (PLAT-5, PIPE-9)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dealplan.errors import InputError

# A file with a million bad rows should not print a million lines; the count says the rest.
MAX_SHOWN = 1000


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the file: where (1-based line and column) and why."""

    line: int
    column: int
    message: str

    def render(self, label: str) -> str:
        return f"{label}:{self.line}:{self.column}: {self.message}"


def clip(text: str, width: int = 60) -> str:
    """`text` shortened for a message, so one huge cell cannot flood the terminal."""
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"


def fail(
    label: str, problems: Iterable[Problem], *, outcome: str = "nothing was imported"
) -> InputError:
    """The error for `problems` in file `label`: nothing was imported, every problem listed."""
    found = sorted(set(problems))
    shown = [p.render(label) for p in found[:MAX_SHOWN]]
    if len(found) > MAX_SHOWN:
        shown.append(f"... and {len(found) - MAX_SHOWN:,} more problems")
    noun = "problem" if len(found) == 1 else "problems"
    return InputError(f"{label}: {len(found):,} {noun} found; {outcome}", shown)


def fail_one(label: str, line: int, column: int, message: str) -> InputError:
    """The error for a file that cannot be read at all: one problem, said in the message."""
    return InputError(Problem(line, column, message).render(label))
