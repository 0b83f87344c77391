"""Messy scenarios read back by doisoat.sources give the same rows, values and figures as the
default layout (refs followed through the truth file)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from doisoat import schema as c
from doisoat.scenario import GeneratedScenario, generate, generate_frames
from doisoat.scenario.ledger import LedgerStyle
from doisoat.scenario.macro import is_macro_workbook
from doisoat.scenario.messy import LEDGER_VARIATIONS
from doisoat.sources import load_office_registry, read_electronic_exports, read_paper_ledgers


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> GeneratedScenario:
    return generate("small", tmp_path_factory.mktemp("messy"), seed=42, messy=True)


BROKEN = "phuong-1_2019-Q1 - Copy.xlsx"


@pytest.fixture(scope="module")
def read(messy: GeneratedScenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    registry = load_office_registry(messy.offices_file)
    paper = read_paper_ledgers(messy.paper_dir, registry)
    electronic = read_electronic_exports(messy.electronic_dir, registry)
    # the half-copied workbook is the one failed input; every other file is read
    assert paper.failed["file"].tolist() == [BROKEN]
    assert paper.failed["reason"].iloc[0].startswith(f"file {BROKEN}: corrupt workbook (damaged zip archive")
    others = paper.files[paper.files["file"] != BROKEN]
    assert others["status"].isin(["read", "skipped"]).all()
    assert set(others["file"]) == {"thanh-pho-tay-ninh_2019-03.xls", "phuong-1_2019-Q1.xlsm",
                                   "xa-tan-binh_2019-03.csv"}
    assert electronic.files["status"].eq("read").all()
    return paper.records, electronic.records


def test_manifest_names_each_files_variations(messy: GeneratedScenario) -> None:
    manifest = yaml.safe_load(messy.manifest_file.read_text(encoding="utf-8"))
    ledgers, exports = manifest["messy"]["ledgers"], manifest["messy"]["exports"]
    assert set(ledgers) == {
        "thanh-pho-tay-ninh_2019-03.xls", "phuong-1_2019-Q1.xlsm",
        "xa-tan-binh_2019-03.csv", BROKEN,
    }
    for name in ledgers:
        assert (messy.paper_dir / name).is_file()
    assert "csv_ledger" in ledgers["xa-tan-binh_2019-03.csv"]
    assert "xls_ledger" in ledgers["thanh-pho-tay-ninh_2019-03.xls"]
    quarter = set(ledgers["phuong-1_2019-Q1.xlsm"])
    assert {"multi_sheet_workbook", "guide_sheet", "xlsm_ledger"} <= quarter
    assert ledgers[BROKEN] == ["unreadable_file"]
    # what the names say is what the bytes are
    xls = (messy.paper_dir / "thanh-pho-tay-ninh_2019-03.xls").read_bytes()
    assert xls.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # an OLE2 compound file (BIFF8)
    xlsm = messy.paper_dir / "phuong-1_2019-Q1.xlsm"
    assert is_macro_workbook(xlsm)
    half = xlsm.read_bytes()[: xlsm.stat().st_size // 2]
    assert (messy.paper_dir / BROKEN).read_bytes() == half
    assert exports == {"phuong-1.csv": ["utf-16"], "xa-tan-binh.csv": ["windows-1258"]}
    raw = (messy.electronic_dir / "xa-tan-binh.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert (messy.electronic_dir / "phuong-1.csv").read_bytes()[:2] == b"\xff\xfe"


def test_every_style_variation_has_a_name() -> None:
    names = [LedgerStyle(**v).variations() for v in LEDGER_VARIATIONS]
    assert all(len(n) == 1 for n in names) and len({n[0] for n in names}) == len(names)
    assert LedgerStyle().variations() == [] and LedgerStyle().first_data_row == 10


def test_rows_and_figures_survive(messy: GeneratedScenario, read: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    paper, electronic = read
    truth = pd.read_csv(messy.truth_file, dtype=str)
    assert set(truth["paper_ref"].dropna()) <= set(paper[c.REF])
    assert set(truth["electronic_ref"].dropna()) <= set(electronic[c.REF])
    expected = messy.expected.set_index(c.UNIT_CODE)
    got_paper = paper.groupby(c.UNIT_CODE).size()
    got_electronic = electronic.groupby(c.UNIT_CODE).size()
    for unit in got_paper.index:
        assert got_paper[unit] == expected.loc[unit, c.PAPER_RECEIVED]
        assert got_electronic[unit] == expected.loc[unit, c.ELECTRONIC_RECEIVED]
    late = paper[c.STATED_TIMELINESS].eq(c.LATE).groupby(paper[c.UNIT_CODE]).sum()
    assert (late == expected.loc[late.index, c.PAPER_OVERDUE]).all()


def test_values_read_back_as_the_default_layout_gives_them(
    messy: GeneratedScenario, read: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    """Each messy row, found through its truth ref, reads like the same dossier's default row."""
    paper, electronic = read
    default_paper, default_electronic, default_truth = generate_frames("small", seed=42)
    truth = pd.read_csv(messy.truth_file, dtype=str)
    key = [c.UNIT_CODE, c.DOSSIER_CODE, "kind", "mismatch_type"]
    pairs = truth.merge(default_truth.astype("str").replace("nan", pd.NA), on=key, suffixes=("", "_default"))
    assert len(pairs) == len(truth)
    p = paper.set_index(c.REF).loc[pairs["paper_ref"].dropna()]
    q = default_paper.set_index(c.REF).loc[pairs.loc[pairs["paper_ref"].notna(), "paper_ref_default"]]
    for col in (c.DOSSIER_CODE, c.PROCEDURE_NAME, c.APPLICANT_NAME, c.DUE_DATE, c.RETURNED_DATE, c.QUANTITY,
                c.STATED_TIMELINESS):
        pd.testing.assert_series_equal(p[col].reset_index(drop=True), q[col].reset_index(drop=True),
                                       check_names=False, check_dtype=False)
    gap = (p[c.RECEIVED_AT].to_numpy() - q[c.RECEIVED_AT].to_numpy()).astype("timedelta64[s]")
    assert (abs(gap.astype("int64")) <= 1).all()  # serial dates round to the second
    e = electronic.set_index(c.REF).loc[pairs["electronic_ref"].dropna()]
    f = default_electronic.set_index(c.REF).loc[
        pairs.loc[pairs["electronic_ref"].notna(), "electronic_ref_default"]]
    for col in (c.DOSSIER_CODE, c.APPLICANT_NAME, c.RECEIVED_AT, c.STATUS, c.CHANNEL):
        pd.testing.assert_series_equal(e[col].reset_index(drop=True), f[col].reset_index(drop=True),
                                       check_names=False, check_dtype=False)
