"""The BIFF8 .xls writer the messy scenarios use: sheets read back by calamine, and the OLE2
container valid beyond the header's 109 FAT sectors (streams above ≈7 MB need DIFAT sectors)."""

from __future__ import annotations

import io
from pathlib import Path

import olefile
import python_calamine as calamine

from doisoat.scenario.xls import _compound_file, write_xls


def test_sheets_read_back_cell_for_cell(tmp_path: Path) -> None:
    sheets = {"Hướng dẫn": [["Ghi đầy đủ các cột"]],
              "T01-2019": [["STT", "Mã hồ sơ", "Nhận hồ sơ"], [1, "000.17.22.H56-190105-0001", 43470.5],
                           [2, None, "8 giờ 30, 05/01/2019"]]}
    book = calamine.CalamineWorkbook.from_path(str(write_xls(tmp_path / "s.xls", sheets)))
    assert book.sheet_names == list(sheets)
    rows = book.get_sheet_by_name("T01-2019").to_python()
    assert rows == [["STT", "Mã hồ sơ", "Nhận hồ sơ"], [1.0, "000.17.22.H56-190105-0001", 43470.5],
                    [2.0, "", "8 giờ 30, 05/01/2019"]]


def test_a_stream_needing_difat_sectors_reads_back_whole() -> None:
    stream = bytes(range(256)) * 32_000  # 8.2 MB: 126 FAT sectors, 17 of them listed in a DIFAT sector
    data = _compound_file(stream)
    ole = olefile.OleFileIO(io.BytesIO(data))
    assert ole.openstream("Workbook").read() == stream
    small = _compound_file(b"\x01" * 4096)
    assert olefile.OleFileIO(io.BytesIO(small)).openstream("Workbook").read() == b"\x01" * 4096
