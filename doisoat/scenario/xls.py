"""A minimal legacy .xls (BIFF8 in an OLE2 compound file) writer: text and number cells only, one
or more sheets. No .xls writer is installed (xlwt is unmaintained), and old ledgers do arrive as
.xls, so the messy scenarios (messy.py) and the test corpus build them byte by byte."""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_SECTOR = 512
_ENDOFCHAIN, _FATSECT, _FREESECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF, 0xFFFFFFFF
_MIN_STREAM = 4096  # smaller streams would live in the mini stream; pad instead


def _record(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def _unicode(text: str, length_bytes: int) -> bytes:
    data = text.encode("utf-16-le")
    size = struct.pack("<B" if length_bytes == 1 else "<H", len(text))
    return size + b"\x01" + data


def _sheet_stream(rows: Sequence[Sequence[Any]]) -> bytes:
    body = [_bof(0x0010)]
    width = max((len(r) for r in rows), default=0)
    body.append(_record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                body.append(_record(0x0203, struct.pack("<HHHd", r, c, 15, float(value))))
            else:
                body.append(_record(0x0204, struct.pack("<HHH", r, c, 15) + _unicode(str(value), 2)))
    body.append(_record(0x000A, b""))
    return b"".join(body)


def _globals(names: Sequence[str], offsets: Sequence[int]) -> bytes:
    parts = [_bof(0x0005), _record(0x0042, struct.pack("<H", 1200))]
    font = struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _unicode("Arial", 1)
    parts += [_record(0x0031, font)] * 5
    style_xf = struct.pack("<HHHBBBBIIH", 0, 0, 0xFFF5, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    cell_xf = struct.pack("<HHHBBBBIIH", 0, 0, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0)
    parts += [_record(0x00E0, style_xf)] * 15 + [_record(0x00E0, cell_xf)]
    for name, offset in zip(names, offsets, strict=True):
        parts.append(_record(0x0085, struct.pack("<IH", offset, 0) + _unicode(name, 1)))
    parts.append(_record(0x000A, b""))
    return b"".join(parts)


def _workbook_stream(sheets: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    names = list(sheets)
    streams = [_sheet_stream(sheets[n]) for n in names]
    size = len(_globals(names, [0] * len(names)))
    offsets, position = [], size
    for stream in streams:
        offsets.append(position)
        position += len(stream)
    data = _globals(names, offsets) + b"".join(streams)
    return data + b"\x00" * max(0, _MIN_STREAM - len(data))


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, _NOSTREAM, _NOSTREAM, child, b"", 0, 0, 0,
        start, size)


def _compound_file(stream: bytes) -> bytes:
    """An OLE2 file holding one stream named "Workbook"."""
    data_sectors = -(-len(stream) // _SECTOR)
    directory = _entry("Root Entry", 5, 1, _ENDOFCHAIN, 0) + _entry("Workbook", 2, _NOSTREAM, 0, len(stream))
    directory += _entry("", 0, _NOSTREAM, 0, 0) * 2
    total = data_sectors + 1
    fat_sectors = 1
    while (total + fat_sectors) > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    fat = [i + 1 for i in range(data_sectors - 1)] + [_ENDOFCHAIN, _ENDOFCHAIN] + [_FATSECT] * fat_sectors
    fat += [_FREESECT] * (fat_sectors * _SECTOR // 4 - len(fat))
    dir_sector = data_sectors
    first_fat = data_sectors + 1
    difat = [first_fat + i for i in range(fat_sectors)] + [_FREESECT] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"", 0x003E, 0x0003, 0xFFFE, 9, 6, b"",
        0, fat_sectors, dir_sector, 0, _MIN_STREAM, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0,
    ) + struct.pack("<109I", *difat)
    body = stream + b"\x00" * (data_sectors * _SECTOR - len(stream))
    return header + body + directory + struct.pack(f"<{len(fat)}I", *fat)


def write_xls(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """An .xls workbook with one sheet per entry (rows of str / int / float / None)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_compound_file(_workbook_stream(sheets)))
    return path
