"""The full Tây Ninh 2019 H1 scenario: the reported figures, computed from the written files."""

from __future__ import annotations

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.scenario import SCENARIOS, GeneratedScenario, generate
from doisoat.scenario.text import format_count
from tests.scenario.checks import check_truth, electronic_late, paper_ref
from tests.scenario.readback import electronic_figures, paper_figures, read_exports, read_ledgers

SPEC = SCENARIOS["tay-ninh-2019-h1"]
CITY = "000.00.22.H56"


@pytest.fixture(scope="module")
def tay_ninh(tmp_path_factory: pytest.TempPathFactory) -> GeneratedScenario:
    return generate("tay-ninh-2019-h1", tmp_path_factory.mktemp("tay-ninh"), seed=42)


@pytest.fixture(scope="module")
def ledgers(tay_ninh: GeneratedScenario) -> pd.DataFrame:
    return read_ledgers(tay_ninh.paper_dir)


@pytest.fixture(scope="module")
def exports(tay_ninh: GeneratedScenario) -> pd.DataFrame:
    return read_exports(tay_ninh.electronic_dir)


@pytest.fixture(scope="module")
def figures(tay_ninh: GeneratedScenario, ledgers: pd.DataFrame, exports: pd.DataFrame) -> pd.DataFrame:
    office_of = {o.slug: o.code for o in SPEC.offices}
    return paper_figures(ledgers, office_of).join(electronic_figures(exports, office_of, tay_ninh.period_end))


def test_files(tay_ninh: GeneratedScenario) -> None:
    assert len(list(tay_ninh.paper_dir.glob("*.xlsx"))) == 66
    assert len(list(tay_ninh.electronic_dir.glob("*.csv"))) == 11
    period = (tay_ninh.period_start.isoformat(), tay_ninh.period_end.isoformat())
    assert period == ("2019-01-01", "2019-06-28")


def test_city_office_figures(figures: pd.DataFrame) -> None:
    city = figures.loc[CITY]
    assert city.to_dict() == {
        "paper_received": 9144, "paper_overdue": 25, "electronic_received": 2756, "electronic_overdue": 1093,
    }
    assert round(1 - 25 / 9144, 4) == 0.9973


def test_wards_figures(figures: pd.DataFrame) -> None:
    wards = figures.drop(index=CITY)
    assert len(wards) == 10
    assert wards.sum().to_dict() == {
        "paper_received": 27393, "paper_overdue": 0, "electronic_received": 25854, "electronic_overdue": 592,
    }
    assert wards["paper_received"].nunique() == 10  # uneven split
    assert (wards["electronic_received"] < wards["paper_received"]).all()


def test_expected_matches_files(tay_ninh: GeneratedScenario, figures: pd.DataFrame) -> None:
    exp = tay_ninh.expected.set_index([c.LEVEL, c.UNIT_CODE])
    cols = list(figures.columns)
    for code, row in figures.iterrows():
        level = "city" if code == CITY else "ward"
        assert exp.loc[(level, code), cols].astype(int).to_dict() == row.to_dict()
    city_total, ward_total = exp.loc[("city", c.ALL_UNITS)], exp.loc[("ward", c.ALL_UNITS)]
    assert city_total[c.RECEIVED_DIFFERENCE] == -6388 and city_total[c.OVERDUE_DIFFERENCE] == 1068
    assert city_total[c.PAPER_ON_TIME_RATE] == pytest.approx(0.99727, abs=5e-6)
    assert ward_total[c.RECEIVED_DIFFERENCE] == -1539 and ward_total[c.ELECTRONIC_OVERDUE] == 592


def test_channels(exports: pd.DataFrame) -> None:
    counts = exports["Hình thức nộp"].value_counts()
    assert (counts["Trực tuyến"], counts["Zalo"], counts["Bưu chính công ích"]) == (992, 316, 297)
    assert counts["Trực tiếp"] == 28610 - 992 - 316 - 297


def test_truth(tay_ninh: GeneratedScenario, ledgers: pd.DataFrame, exports: pd.DataFrame) -> None:
    truth = pd.read_csv(tay_ninh.truth_file, dtype=str)
    check_truth(truth, ledgers, exports, pd.Timestamp(tay_ninh.period_end))
    kinds = truth.loc[truth["kind"] == "mismatch", "mismatch_type"].value_counts()
    links = int((truth["kind"] == "link").sum())
    # the story: most of the city's paper never reached the software; the software's overdue
    # dossiers are mostly timeliness conflicts; missing_paper is ~0.5% of software rows
    city = truth[truth["unit_code"] == CITY]
    assert (city["mismatch_type"] == "missing_electronic").sum() > 9144 / 2
    assert kinds["timeliness_conflict"] > 1000
    assert 0.003 < kinds["missing_paper"] / 28610 < 0.007
    for kind in ("date_mismatch", "procedure_mismatch", "applicant_mismatch"):
        assert 0.002 < kinds[kind] / links < 0.005


def test_city_overdue_fields(tay_ninh: GeneratedScenario, exports: pd.DataFrame) -> None:
    city = exports[exports["file"] == "thanh-pho-tay-ninh.csv"]
    late = city[electronic_late(city, pd.Timestamp(tay_ninh.period_end))]
    top = late["Lĩnh vực"].value_counts().index[:3]
    assert set(top) == {"Tài nguyên và Môi trường", "Xây dựng", "Tư pháp"}


def test_benign_differences_present(tay_ninh: GeneratedScenario, ledgers: pd.DataFrame,
                                    exports: pd.DataFrame) -> None:
    truth = pd.read_csv(tay_ninh.truth_file, dtype=str)
    links = truth[truth["kind"] == "link"]
    flagged = truth.loc[truth["kind"] == "mismatch", "dossier_code"]
    clean = links[~links["dossier_code"].isin(flagged)]
    p = ledgers.assign(ref=paper_ref(ledgers)).set_index("ref").loc[clean["paper_ref"]]
    e = exports.assign(ref=exports["file"] + "#" + exports["row"].astype(str)).set_index("ref")
    e = e.loc[clean["electronic_ref"]]
    lagged = (e["Ngày tiếp nhận"].dt.normalize().to_numpy() > p["received"].dt.normalize().to_numpy()).mean()
    renamed = (e["Người nộp"].to_numpy() != p["applicant"].to_numpy()).mean()
    assert 0.07 < lagged < 0.12 and 0.03 < renamed < 0.07


def test_thousands_in_totals(tay_ninh: GeneratedScenario, ledgers: pd.DataFrame) -> None:
    sizes = ledgers.groupby("file").size()
    big = sizes[sizes >= 1000]
    assert len(big) > 0
    name = str(big.index[0])
    raw = pd.read_excel(tay_ninh.paper_dir / name, engine="calamine", header=None)
    total = raw.iloc[9 + int(big.iloc[0]) + 1, 0]
    assert total == f"Tổng cộng: {format_count(int(big.iloc[0]))} hồ sơ" and "." in total
