"""Macro-enabled workbooks (.xlsm) as offices save them when a ledger template carries macros.

No VBA project can be built with the installed packages (xlsxwriter only embeds an existing
vbaProject.bin), so the workbook is an .xlsx body whose package declares the macro-enabled main
part, which is what makes a file an .xlsm to Excel and to readers that check the content type;
calamine reads it by content, as it reads an .xlsx.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Final

CONTENT_TYPES: Final = "[Content_Types].xml"
XLSX_MAIN: Final = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN: Final = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def as_macro_workbook(path: Path) -> Path:
    """Rewrite the .xlsx package at `path` in place with the macro-enabled content type (the zip
    entries keep their order and compression)."""
    path = Path(path)
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in entries:
            if info.filename == CONTENT_TYPES:
                if XLSX_MAIN not in data:
                    raise ValueError(f"{path}: no workbook main part in {CONTENT_TYPES}")
                data = data.replace(XLSX_MAIN, XLSM_MAIN)
            target.writestr(info, data)
    return path


def is_macro_workbook(path: Path) -> bool:
    """True when the package at `path` declares the macro-enabled main part."""
    with zipfile.ZipFile(path) as package:
        return XLSM_MAIN in package.read(CONTENT_TYPES)
