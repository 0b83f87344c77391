"""Which text encoding a CSV file is in: UTF-8 (with or without BOM), UTF-16, Windows-1258, or
single-byte text typed with TCVN3 / VNI fonts (read as Latin-1, then repaired by legacy.py).

Order: a byte-order mark decides; else the head of the file decoding as strict UTF-8 means UTF-8;
else NUL bytes on every other position mean BOM-less UTF-16; else the head is decoded both as
Windows-1258 and as Latin-1 + legacy repair, and the reading that looks more Vietnamese wins
(charset-normalizer cannot name TCVN3 or VNI, and guesses Vietnamese code pages poorly on short
files, so it only breaks a tie).
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import charset_normalizer

from doisoat.sources import legacy

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
UTF16 = "utf-16"
CP1258 = "cp1258"
LATIN1 = "latin-1"  # bytes as they are: TCVN3 / VNI look-alikes, repaired per cell later

_BOMS = ((codecs.BOM_UTF8, UTF8_BOM), (codecs.BOM_UTF16_LE, UTF16), (codecs.BOM_UTF16_BE, UTF16))
HEAD_BYTES = 1 << 20


def head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first `size` bytes of the file."""
    with Path(path).open("rb") as fh:
        return fh.read(size)


def _is_utf8(data: bytes) -> bool:
    try:
        codecs.getincrementaldecoder(UTF8)().decode(data, final=False)  # a cut character at the end is fine
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[: 1 << 12]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _score(text: str) -> int:
    return sum(legacy.plausibility(line) for line in text.splitlines()[:2000])


def detect_encoding(data: bytes) -> str:
    """The Python codec name to decode `data` (the head of a text file) with."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if _is_utf8(data):
        return UTF8
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    as_legacy = "\n".join(legacy.repair_lines(data.decode(LATIN1).splitlines()[:2000]))
    try:
        as_cp1258 = unicodedata.normalize("NFC", data.decode(CP1258))
    except UnicodeDecodeError:  # bytes Windows-1258 leaves undefined
        return LATIN1
    cp1258_score, legacy_score = _score(as_cp1258), _score(as_legacy)
    if cp1258_score != legacy_score:
        return CP1258 if cp1258_score > legacy_score else LATIN1
    guess = charset_normalizer.from_bytes(data[: 1 << 16]).best()
    return CP1258 if guess is not None and guess.encoding == CP1258 else LATIN1


def file_encoding(path: Path) -> str:
    """`detect_encoding` of the file's head."""
    return detect_encoding(head(path))


def describe(encoding: str) -> str:
    """A user-facing name of the encoding."""
    return {UTF8: "UTF-8", UTF8_BOM: "UTF-8 with BOM", UTF16: "UTF-16", "utf-16-le": "UTF-16 LE",
            "utf-16-be": "UTF-16 BE", CP1258: "Windows-1258",
            LATIN1: "single-byte legacy text (TCVN3/VNI fonts)"}.get(encoding, encoding)
