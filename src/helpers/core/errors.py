"""Errors a user can fix: they end a command with exit code 2 and a clear message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one place of the input: where it is, what is there, and why it is wrong."""

    table: str
    column: str | None
    row: int | None
    value: object
    reason: str
    file: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = [f"file {self.file}"] if self.file else []
        where += [f"sheet {self.sheet}"] if self.sheet else []
        where.append(f"table {self.table}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: value {self.value!r}: {self.reason}"


class InputError(ValueError):
    """Bad arguments or bad input data (exit code 2).

    Carries every problem found, not just the first, so a user fixes a file in one pass.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = list(problems or [])
        super().__init__(message)

    def report(self, limit: int = 50) -> str:
        """The message and up to `limit` problems, one per line."""
        lines = [str(self)]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


class DamagedFile(RuntimeError):
    """A data file that cannot be read (truncated, not Parquet, changed since it was written):
    the command stops with exit code 1 and one line naming the file and what to do about it."""

    def __init__(self, path: object, remedy: str, what: str = "cannot be read (damaged or truncated)"):
        self.path = str(path)
        super().__init__(f"{path} {what}: {remedy}")


class WriteFailed(RuntimeError):
    """The data folder could not take what a command wrote (a full disk): exit code 1 and
    one line saying so; what was stored before is as it was."""
