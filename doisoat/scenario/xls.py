"""A minimal legacy .xls (BIFF8 in an OLE2 compound file) writer: text and number cells only, one
or more sheets. No .xls writer is installed (xlwt is unmaintained), and old ledgers do arrive as
.xls, so the messy scenarios (messy.py) and the test corpus build them byte by byte."""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_SECTOR = 512
_ENDOFCHAIN, _FATSECT, _DIFSECT, _FREESECT = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
_NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT = 109  # FAT sector locations the header holds; more go to DIFAT sectors
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
    """An OLE2 file holding one stream named "Workbook": the stream's sectors, the directory, the
    FAT and, when the FAT needs more than the header's 109 slots (a stream above ≈7 MB), DIFAT
    sectors listing the rest of it."""
    per_sector = _SECTOR // 4
    data_sectors = -(-len(stream) // _SECTOR)
    directory = _entry("Root Entry", 5, 1, _ENDOFCHAIN, 0) + _entry("Workbook", 2, _NOSTREAM, 0, len(stream))
    directory += _entry("", 0, _NOSTREAM, 0, 0) * 2
    fat_sectors, difat_sectors = 1, 0
    while data_sectors + 1 + fat_sectors + difat_sectors > fat_sectors * per_sector:
        fat_sectors += 1
        difat_sectors = max(0, -(-(fat_sectors - _HEADER_DIFAT) // (per_sector - 1)))
    dir_sector = data_sectors
    first_fat = data_sectors + 1
    first_difat = first_fat + fat_sectors
    fat = [i + 1 for i in range(data_sectors - 1)] + [_ENDOFCHAIN, _ENDOFCHAIN]
    fat += [_FATSECT] * fat_sectors + [_DIFSECT] * difat_sectors
    fat += [_FREESECT] * (fat_sectors * per_sector - len(fat))
    fat_locations = [first_fat + i for i in range(fat_sectors)]
    in_header = fat_locations[:_HEADER_DIFAT]
    in_header += [_FREESECT] * (_HEADER_DIFAT - len(in_header))
    difat = b""
    rest = fat_locations[_HEADER_DIFAT:]
    for k in range(difat_sectors):  # 127 FAT locations, then the next DIFAT sector
        chunk = rest[k * (per_sector - 1):(k + 1) * (per_sector - 1)]
        chunk += [_FREESECT] * (per_sector - 1 - len(chunk))
        following = first_difat + k + 1 if k + 1 < difat_sectors else _ENDOFCHAIN
        difat += struct.pack(f"<{per_sector}I", *chunk, following)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"", 0x003E, 0x0003, 0xFFFE, 9, 6, b"",
        0, fat_sectors, dir_sector, 0, _MIN_STREAM, _ENDOFCHAIN, 0,
        first_difat if difat_sectors else _ENDOFCHAIN, difat_sectors,
    ) + struct.pack(f"<{_HEADER_DIFAT}I", *in_header)
    body = stream + b"\x00" * (data_sectors * _SECTOR - len(stream))
    return header + body + directory + struct.pack(f"<{len(fat)}I", *fat) + difat


def write_xls(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """An .xls workbook with one sheet per entry (rows of str / int / float / None)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_compound_file(_workbook_stream(sheets)))
    return path
