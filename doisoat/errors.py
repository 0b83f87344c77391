"""One exception hierarchy for the whole pipeline.

Every error about input data carries where it was found (file, sheet, row, column) so a user can
open the spreadsheet at that cell. Errors are split, as dlt does, into *transient* ones (worth a
retry: a database that is restarting, a locked file) and *terminal* ones (bad input, bad config),
so that Prefect retries only what a retry can fix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Location:
    """Where in the inputs something was found; every part is optional."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"file {self.file}")
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


class DoisoatError(Exception):
    """Base class of every error doisoat raises on purpose."""


class TerminalError(DoisoatError):
    """An error a retry cannot fix: bad input, bad configuration, a broken invariant."""


class TransientError(DoisoatError):
    """An error worth retrying: a database connection dropped, a file still being written."""


class ConfigError(TerminalError):
    """Invalid configuration: an office registry, a profile, a CLI option."""


class InputError(TerminalError):
    """Bad input data, located as precisely as known."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location or Location()
        where = str(self.location)
        super().__init__(f"{where}: {message}" if where else message)

    def naming(self, file: str) -> InputError:
        """The same error with its file named `file` (a file's path under the input folder, as
        lineage names it, where the error was raised knowing only the path it opened)."""
        if self.location.file is None or self.location.file == file:
            return self
        return type(self)(self.message, replace(self.location, file=file))


class UnreadableFileError(InputError):
    """A whole file cannot be read (corrupt, encrypted, empty, wrong kind)."""


class LayoutError(InputError):
    """A file can be opened but its layout is not recognised (no header, missing columns)."""


class ConservationError(TerminalError):
    """Rows were lost: rows read != rows loaded + rows quarantined."""


class WarehouseError(DoisoatError):
    """A warehouse operation failed for a reason that is not a dropped connection."""


class QualityCheckError(TerminalError):
    """The post-load data-quality checkpoint failed."""
