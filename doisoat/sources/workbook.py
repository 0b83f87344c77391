"""Opening spreadsheets with calamine, turning every failure into an `UnreadableFileError` whose
message says what is wrong with the file (empty, encrypted, corrupt, not a spreadsheet), and
reading their sheets: each parsed on a second thread one sheet ahead (`worksheets`), its rows then
turned into Python objects and rendered to Arrow text a block at a time (`render_sheet`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import msoffcrypto
import python_calamine as calamine

from doisoat.errors import Location, UnreadableFileError
from doisoat.sources.cells import RenderedRows, render_blocks

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound document: .xls, or an encrypted .xlsx
_ZIP = b"PK\x03\x04"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_HEAD = 1 << 16
BLOCK_ROWS = 8_192  # rows held as Python lists at a time while a sheet is rendered


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


def parse_sheet(book: calamine.CalamineWorkbook, sheet: str, location: Location) -> calamine.CalamineSheet:
    """The sheet parsed by calamine (in Rust, with the GIL released); UnreadableFileError when a
    damaged part of the archive surfaces, which happens only when the sheet is read."""
    try:
        return book.get_sheet_by_name(sheet)
    except Exception as exc:  # calamine raises several unrelated types
        raise UnreadableFileError(f"sheet cannot be read: {exc}", location) from exc


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


def _row_blocks(sheet: calamine.CalamineSheet) -> Iterator[list[list[Any]]]:
    """The sheet's rows as Python lists, `BLOCK_ROWS` at a time (calamine's `iter_rows`: row i is
    Excel row i + 1, empty cells are "", the empty columns left of the data are left out)."""
    rows = sheet.iter_rows()
    while block := list(islice(rows, BLOCK_ROWS)):
        yield block


def render_sheet(sheet: calamine.CalamineSheet) -> RenderedRows:
    """A parsed sheet's columns rendered as text (cells.render_blocks; row i is Excel row i + 1,
    column j Excel column j + 1), as `render_rows` renders `to_python(skip_empty_area=False)`.

    The rows exist as Python objects one block at a time, each rendered and dropped before the
    next is made, instead of `to_python`'s whole-sheet list being built, walked again into a grid
    and freed at the end: the same objects are made for less (their memory is reused block after
    block). The cyclic garbage collector is paused meanwhile: every row is a new list, and
    collection passes would walk them although cell values cannot form cycles."""
    start = sheet.start  # None for an empty sheet
    with _collector_paused():
        return render_blocks(_row_blocks(sheet), leading_columns=start[1] if start else 0)


class Worksheet(NamedTuple):
    """A worksheet of an open workbook, its parse (`parse_sheet`) running or done (see `worksheets`)."""

    name: str
    location: Location
    parsed: Future[calamine.CalamineSheet]

    def cells(self) -> RenderedRows:
        """The sheet's columns rendered as text; UnreadableFileError when it cannot be parsed."""
        return render_sheet(self.parsed.result())


@contextmanager
def worksheets(book: calamine.CalamineWorkbook, file_name: str) -> Iterator[Iterator[Worksheet]]:
    """The worksheets of `book` in workbook order. The first is parsed on the calling thread (a
    one-sheet workbook reads as without this); while the caller works on a sheet, the next one is
    parsed on a second thread: calamine parses in Rust with the GIL released, so on a workbook of
    several sheets the parsing overlaps the rendering and record building of the sheet before.

    Nothing else may use `book` inside the block (a parse in flight holds it); leaving the block
    waits for a parse still running, so the workbook can be closed after it."""
    names = worksheet_names(book)
    locations = [Location(file=file_name, sheet=name) for name in names]

    def parsed_here(i: int) -> Future[calamine.CalamineSheet]:
        done: Future[calamine.CalamineSheet] = Future()
        try:
            done.set_result(parse_sheet(book, names[i], locations[i]))
        except UnreadableFileError as exc:
            done.set_exception(exc)
        return done

    def sheets(pool: ThreadPoolExecutor) -> Iterator[Worksheet]:
        ahead: Future[calamine.CalamineSheet] | None = None
        for i, name in enumerate(names):
            current = ahead if ahead is not None else parsed_here(i)
            current.exception()  # parsed (the sheet ahead: waited for) before the next one starts
            ahead = pool.submit(parse_sheet, book, names[i + 1], locations[i + 1]) if i + 1 < len(names) \
                else None
            yield Worksheet(name, locations[i], current)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calamine-parse")
    try:
        yield sheets(pool)
    finally:  # a caller leaving early: the parse ahead is dropped if not started, else waited for
        pool.shutdown(wait=True, cancel_futures=True)
