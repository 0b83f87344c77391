"""Variations the `--messy` scenarios produce that the ledger reader once read wrong (found by
`bench.bench_quality --files` and the messy demo): a numbering row under a two-row header with
nothing split, and short legacy-font cells (a spoken receipt time, an abbreviation) in columns of
otherwise ASCII or Unicode-looking text. Each test states the right result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.sources import legacy, read_paper_ledgers
from tests.sources.builders import MAU06_HEADERS, RETURN_SUBHEADERS, LedgerSheet, write_workbook
from tests.sources.test_corpus import PAPER_EXPECTED, encoded, mau06_rows


def _legacy_sheet(rows: list[list[Any]], encoding: legacy.Encoding) -> LedgerSheet:
    return LedgerSheet(rows=[[encoded(v, encoding) for v in r] for r in rows],
                       headers=[encoded(h, encoding) for h in MAU06_HEADERS],
                       two_row_header=False)


def test_numbering_row_under_a_two_row_header_with_nothing_split(tmp_path: Path) -> None:
    headers = [h for h in MAU06_HEADERS if h not in RETURN_SUBHEADERS]
    headers.insert(10, "Trả kết quả")
    rows = [[*r[:10], r[10] or r[11] or r[12], *r[13:]] for r in mau06_rows()]
    write_workbook(tmp_path / "single.xlsx", {"T1": LedgerSheet(rows=rows, headers=headers)})
    records = read_paper_ledgers(tmp_path).records
    assert records[c.REF].tolist() == [f"single.xlsx!T1!{r}" for r in (10, 11, 12)]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_spoken_receipt_time_typed_with_a_legacy_font(tmp_path: Path, encoding: legacy.Encoding) -> None:
    rows = mau06_rows(lambda d: d.strftime("%d/%m/%Y"))
    rows[0][7] = "8 giờ 30, 05/01/2019"
    write_workbook(tmp_path / "dates.xlsx", {"T1": _legacy_sheet(rows, encoding)})
    records = read_paper_ledgers(tmp_path).records
    assert records[c.RECEIVED_AT].iloc[0] == pd.Timestamp("2019-01-05 08:30")
    assert records[c.PARSE_ERRORS].isna().all()


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_abbreviated_procedure_typed_with_a_legacy_font(tmp_path: Path, encoding: legacy.Encoding) -> None:
    rows = mau06_rows()
    rows[0][2], rows[1][2] = "ĐK khai sinh", "ĐK kết hôn"
    write_workbook(tmp_path / "abbr.xlsx", {"T1": _legacy_sheet(rows, encoding)})
    records = read_paper_ledgers(tmp_path).records
    expected = ["ĐK khai sinh", "ĐK kết hôn", PAPER_EXPECTED[2][c.PROCEDURE_NAME]]
    assert records[c.PROCEDURE_NAME].tolist() == expected
