"""Finding input files (recursive, sorted, hidden and lock files skipped) and fingerprinting them."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

_CHUNK = 1 << 20


def is_hidden(path: Path, root: Path) -> bool:
    """True for dot files/folders and Office lock or temp files ("~$Book1.xlsx", "~WRL0001.tmp")."""
    parts = path.relative_to(root).parts
    return any(p.startswith((".", "~")) for p in parts)


def find_files(root: Path, suffixes: Iterable[str]) -> list[Path]:
    """Files under `root` with one of `suffixes` (case-insensitive), in sorted path order."""
    root = Path(root)
    wanted = {s.lower() for s in suffixes}
    found = [p for p in root.rglob("*")
             if p.suffix.lower() in wanted and p.is_file() and not is_hidden(p, root)]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def relative_name(path: Path, root: Path) -> str:
    """The name a file is known by in lineage, refs and the files log: its path relative to the
    input folder `root`, with "/" separators ("T1.xlsx" at the top, "a/T1.xlsx" in a sub-folder),
    so same-named files in different sub-folders keep distinct refs."""
    return Path(path).relative_to(root).as_posix()


def warn_duplicate_names(paths: Iterable[Path], root: Path) -> None:
    """Log files sharing a name in different folders. Their refs stay distinct (they carry the
    folder: "a/T1.xlsx!<sheet>!<row>", "b/T1.xlsx!<sheet>!<row>"), but an office taken from the file
    name (a ledger without an office title, an export without an office column) is the same for both."""
    seen: dict[str, Path] = {}
    for path in paths:
        if path.name in seen:
            log.warning(
                "%s and %s share a file name: told apart by their folders in refs, but an office "
                "read from the file name would be the same for both",
                relative_name(seen[path.name], root), relative_name(path, root),
            )
        seen.setdefault(path.name, path)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
