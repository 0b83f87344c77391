"""Opening CSV files of any encoding (encodings.py): their head lines, the delimiter, a whole small
file as a grid of text columns (paper ledgers typed as CSV), and the checks that turn an empty or
non-text file into an `UnreadableFileError` saying why."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pyarrow as pa

from doisoat.errors import Location, UnreadableFileError
from doisoat.sources import encodings

DELIMITERS = (",", ";", "\t", "|")
# Signatures of files that are not text at all (a workbook or PDF renamed .csv).
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip archive (an .xlsx workbook?)",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an OLE2 compound file (an .xls workbook?)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


def check_text_file(path: Path, data: bytes) -> None:
    """UnreadableFileError when the file is empty or is not text."""
    location = Location(file=Path(path).name)
    if not data:
        raise UnreadableFileError("empty file (0 bytes)", location)
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UnreadableFileError(f"not a CSV text file: it is {kind}", location)
    encoding = encodings.detect_encoding(data)
    if encoding.startswith("utf-16"):
        return
    sample = data[: 1 << 16]
    if sample.count(0) > len(sample) // 100:
        raise UnreadableFileError("not a CSV text file: binary content (NUL bytes)", location)


def decode_head(data: bytes, encoding: str) -> str:
    """`data` (a file's head) decoded; an incomplete character at the end is dropped."""
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(data, final=False)


def sniff_delimiter(line: str) -> str:
    """The delimiter used most on a header line ("," when none)."""
    return max(DELIMITERS, key=line.count) if any(d in line for d in DELIMITERS) else ","


def head_rows(path: Path, count: int) -> tuple[list[list[str]], str, str]:
    """The first `count` CSV rows (parsed, BOM removed), the encoding and the delimiter."""
    data = encodings.head(path)
    check_text_file(path, data)
    encoding = encodings.detect_encoding(data)
    text = decode_head(data, encoding).lstrip("\ufeff")
    if not text.strip(" \t\r\n,;|"):
        raise UnreadableFileError("empty file (no header line)", Location(file=Path(path).name))
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    rows = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append(row)
        if len(rows) >= count:
            break
    return rows, encoding, delimiter


def read_grid(path: Path) -> list[pa.Array]:
    """The whole CSV as text columns (row i = CSV record i + 1, empty cells null), like a sheet."""
    rows, encoding, delimiter = head_rows(path, 1)
    del rows
    with Path(path).open("r", encoding=encoding, errors="replace", newline="") as fh:
        records = list(csv.reader(fh, delimiter=delimiter))
    if records and records[0] and records[0][0].startswith("\ufeff"):
        records[0][0] = records[0][0][1:]
    width = max((len(r) for r in records), default=0)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    for record in records:
        for j in range(width):
            value = record[j] if j < len(record) else ""
            columns[j].append(value if value != "" else None)
    return [pa.array(column, pa.string()) for column in columns]
