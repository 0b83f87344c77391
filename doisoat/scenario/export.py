"""The software side as the one-stop software exports it: one CSV per office, whole period.

UTF-8 with BOM, comma-separated, CRLF line ends (a Windows export), header on row 1. Dates are
text `dd/MM/yyyy HH:mm:ss`, the due date at 17:00:00, "Ngày có kết quả" empty while open.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Final

import pandas as pd

from doisoat import reference
from doisoat import schema as c
from doisoat.scenario import columns as k
from doisoat.scenario.order import laid_out
from doisoat.scenario.spec import OfficeSpec

HEADERS: Final = (
    "STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Đơn vị tiếp nhận", "Người nộp", "Ngày tiếp nhận",
    "Ngày hẹn trả", "Ngày có kết quả", "Trạng thái", "Tiến độ", "Hình thức nộp",
)
TIMELINESS_LABELS: Final = {c.EARLY: "Trước hạn", c.ON_TIME: "Đúng hạn", c.LATE: "Quá hạn"}
FIRST_DATA_ROW: Final = 2  # the header is row 1
_STAMP: Final = "%d/%m/%Y %H:%M:%S"
# the combining tone marks Windows-1258 has (grave, acute, tilde, hook above, dot below)
_CP1258_TONES: Final = frozenset("\u0300\u0301\u0303\u0309\u0323")


def export_file(office: OfficeSpec) -> str:
    """"phuong-1.csv"."""
    return f"{office.slug}.csv"


def layout_electronic(dossiers: pd.DataFrame, office: OfficeSpec) -> pd.DataFrame:
    """The export rows (software dossiers plus the duplicated rows) in the software's order of
    receipt, with the row number each lands on. A duplicated row follows its original."""
    rows = laid_out(dossiers, (dossiers[k.ROLE] != k.PAPER_ONLY).to_numpy(),
                    (dossiers[k.FINDING] == c.DUPLICATE_ELECTRONIC).to_numpy(dtype=bool, na_value=False),
                    k.E_RECEIVED)
    rows[k.FILE] = export_file(office)
    rows[k.ROW] = rows.index + FIRST_DATA_ROW
    return rows


def export_frame(rows: pd.DataFrame, office: OfficeSpec) -> pd.DataFrame:
    """The export's cells, as text."""
    statuses = reference.statuses().set_index("status")["label_vi"]
    channels = reference.channels().set_index("channel")["label_vi"]
    values = [
        (rows[k.ROW] - FIRST_DATA_ROW + 1).astype("str"),
        rows[c.DOSSIER_CODE],
        rows[k.E_PROCEDURE],
        rows[k.E_FIELD],
        pd.Series(office.software_name, index=rows.index, dtype="str"),
        rows[k.E_APPLICANT],
        rows[k.E_RECEIVED].dt.strftime(_STAMP),
        rows[k.E_DUE].dt.strftime("%d/%m/%Y") + " 17:00:00",
        rows[k.E_RETURNED].dt.strftime(_STAMP),
        rows[k.E_STATUS].map(statuses),
        rows[k.E_PROGRESS].map(TIMELINESS_LABELS),
        rows[k.E_CHANNEL].map(channels),
    ]
    return pd.DataFrame(dict(zip(HEADERS, [v.astype("str") for v in values], strict=True)))


def to_cp1258(text: str) -> bytes:
    """`text` in Windows-1258: letters the code page lacks (ạ, ấ, ở…) written as a base letter it has
    plus combining tone marks, as Windows itself converts; computed once per distinct character."""
    table: dict[int, str] = {}
    for ch in set(text):  # per distinct character
        try:
            ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in decomposed[1:] if m in _CP1258_TONES)
        others = "".join(m for m in decomposed[1:] if m not in _CP1258_TONES)
        table[ord(ch)] = unicodedata.normalize("NFC", decomposed[0] + others) + tones
    return text.translate(table).encode("cp1258")


def write_export(rows: pd.DataFrame, office: OfficeSpec, folder: Path, kind: str = "utf-8-sig") -> Path:
    """Write the office's export CSV: UTF-8 with BOM (default), "utf-16" (with BOM) or
    "windows-1258"; "vendor_b" writes the second vendor's layout (vendor_b.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / export_file(office)
    if kind == "vendor_b":
        from doisoat.scenario.vendor_b import vendor_b_frame

        frame = vendor_b_frame(rows, office)
        kind = "utf-8-sig"
    else:
        frame = export_frame(rows, office)
    if kind == "windows-1258":
        path.write_bytes(to_cp1258(frame.to_csv(index=False, lineterminator="\r\n")))
    else:
        frame.to_csv(path, index=False, encoding=kind, lineterminator="\r\n")
    return path
