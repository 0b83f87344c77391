"""Opening spreadsheets with calamine, turning every failure into an `UnreadableFileError` whose
message says what is wrong with the file (empty, encrypted, corrupt, not a spreadsheet)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msoffcrypto
import python_calamine as calamine

from doisoat.errors import Location, UnreadableFileError
from doisoat.sources.cells import RenderedRows, render_rows

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound document: .xls, or an encrypted .xlsx
_ZIP = b"PK\x03\x04"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_HEAD = 1 << 16


def _diagnose(path: Path, error: Exception) -> str:
    """Why `path` could not be opened, in words."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    if size == 0:
        return "empty file (0 bytes)"
    if isinstance(error, calamine.PasswordError) or _is_encrypted(path, head):
        return "password-protected (encrypted) workbook: save it without a password and send it again"
    if head.startswith(_ZIP):
        return f"corrupt workbook (damaged zip archive: {error})"
    if head.startswith(_OLE2):
        return f"corrupt or unsupported .xls workbook ({error})"
    kind = next((k for signature, k in _OTHER_KINDS.items() if head.startswith(signature)), None)
    if kind is None and not head.strip(b" \t\r\n\x00"):
        return "empty file (only blank bytes)"
    if kind is None:
        kind = "text, not a workbook" if _looks_like_text(head) else "unknown binary content"
    return f"not a spreadsheet: the file is {kind} ({type(error).__name__}: {error})"


_OTHER_KINDS = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
                b"<!DOCTYPE html": "an HTML page", b"<html": "an HTML page", b"{\\rtf": "an RTF document"}


def _looks_like_text(head: bytes) -> bool:
    sample = head[:4096]
    return bool(sample) and sample.count(0) == 0 and sum(b < 0x09 for b in sample) == 0


def _is_encrypted(path: Path, head: bytes) -> bool:
    """msoffcrypto-tool's verdict for OLE2 files (encrypted .xlsx files are OLE2 containers too)."""
    if not head.startswith(_OLE2):
        return False
    if _ENCRYPTION_STREAM in head:
        return True
    try:
        with path.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # msoffcrypto raises assorted errors on damaged files: not encrypted
        return False


def open_workbook(path: Path) -> calamine.CalamineWorkbook:
    """The workbook at `path`; UnreadableFileError saying why when it cannot be opened."""
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several unrelated types; all mean "cannot open"
        raise UnreadableFileError(_diagnose(Path(path), exc), Location(file=Path(path).name)) from exc


def worksheet_names(book: calamine.CalamineWorkbook) -> list[str]:
    """Names of the worksheets (chart and dialog sheets left out), in workbook order."""
    names = []
    for meta in book.sheets_metadata:
        if meta.typ == calamine.SheetTypeEnum.WorkSheet:
            names.append(meta.name)
    return names


def read_rows(book: calamine.CalamineWorkbook, sheet: str, location: Location) -> list[list[Any]]:
    """The sheet as rows of cell values: row i is Excel row i + 1, cell j column j + 1 (empty
    cells are "")."""
    try:
        rows: list[list[Any]] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # a damaged part of the archive surfaces only when the sheet is read
        raise UnreadableFileError(f"sheet cannot be read: {exc}", location) from exc
    return rows


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off within the block (and back on after, if it was on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_cells(book: calamine.CalamineWorkbook, sheet: str, location: Location) -> RenderedRows:
    """The sheet's columns rendered as text (cells.render_rows; row i is Excel row i + 1).

    The cyclic garbage collector is paused while the rows exist as Python lists: `to_python`
    allocates one list per row, and every collection pass would walk all of them again (about a
    third of `to_python`'s time on a 200,000-row sheet) although cell values cannot form cycles."""
    with _collector_paused():
        return render_rows(read_rows(book, sheet, location))
