"""Scenario specs, the shipped catalog, count plans and scaling."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.errors import ConfigError
from doisoat.scenario import SCENARIOS, InjectionRates, OfficeSpec, ScenarioSpec, generate, generate_frames
from doisoat.scenario.plan import plan_office, split_total


def test_catalog_holds_the_reported_figures() -> None:
    spec = SCENARIOS["tay-ninh-2019-h1"]
    assert (spec.period_start, spec.period_end) == (dt.date(2019, 1, 1), dt.date(2019, 6, 28))
    city = [o for o in spec.offices if o.level == c.LEVEL_CITY]
    wards = [o for o in spec.offices if o.level == c.LEVEL_WARD]
    assert len(city) == 1 and len(wards) == 10
    top = city[0]
    assert (top.paper_rows, top.electronic_rows, top.paper_overdue, top.electronic_overdue) == (
        9144, 2756, 25, 1093,
    )
    assert sum(o.paper_rows for o in wards) == 27393
    assert sum(o.electronic_rows for o in wards) == 25854
    assert sum(o.electronic_overdue for o in wards) == 592
    assert all(o.paper_overdue == 0 and o.parent == city[0].code for o in wards)
    assert [o.name for o in wards] == [
        "Phường 1", "Phường 2", "Phường 3", "Phường IV", "Phường Hiệp Ninh", "Phường Ninh Sơn",
        "Phường Ninh Thạnh", "Xã Bình Minh", "Xã Tân Bình", "Xã Thạnh Tân",
    ]
    assert [o.code for o in spec.offices] == ["000.00.22.H56"] + [f"000.{i:02d}.22.H56" for i in range(1, 11)]
    assert dict(spec.channel_totals) == {"online": 992, "zalo": 316, "post": 297}
    small = SCENARIOS["small"]
    assert len(small.offices) == 3 and sum(o.paper_rows for o in small.offices) == 600


def test_office_names() -> None:
    ward = SCENARIOS["tay-ninh-2019-h1"].office("000.05.22.H56")
    assert ward.slug == "phuong-hiep-ninh"
    assert ward.title_name == "ỦY BAN NHÂN DÂN PHƯỜNG HIỆP NINH"
    assert ward.software_name == "UBND Phường Hiệp Ninh"
    assert {ward.title_name, ward.software_name, "Phường Hiệp Ninh"} <= set(ward.aliases)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_plans_add_up_to_the_targets(name: str) -> None:
    spec = SCENARIOS[name]
    for office in spec.offices:
        plan = plan_office(office, spec.rates, ())
        assert plan.pairs + plan.missing_electronic + plan.invalid + plan.duplicate_paper == office.paper_rows
        assert plan.pairs + plan.missing_paper + plan.duplicate_electronic == office.electronic_rows
        assert plan.both_late + plan.reverse_conflicts + plan.paper_only_late == office.paper_overdue
        assert plan.both_late + plan.conflicts + plan.missing_paper_late == office.electronic_overdue
        assert min(plan.date_mismatches, plan.procedure_mismatches, plan.applicant_mismatches) >= 1
        assert plan.invalid >= 3 and plan.duplicate_paper >= 1 and plan.duplicate_electronic >= 1
        # ledgers contradicting their own dates only where the rates ask (never in Tây Ninh's)
        if spec.rates.stated_contradiction_share > 0:
            assert plan.stated_contradictions >= spec.rates.min_each
        else:
            assert plan.stated_contradictions == 0
    assert (spec.rates.stated_contradiction_share > 0) == (name in ("small", "quality"))


def test_stated_contradictions_change_nothing_else() -> None:
    # drawn with a generator of their own: the same scenario without them has the same rows,
    # except the return column those paper rows write their date in
    spec = SCENARIOS["small"]
    consistent = dataclasses.replace(
        spec, rates=dataclasses.replace(spec.rates, stated_contradiction_share=0.0)
    )
    paper, electronic, truth = generate_frames(spec, seed=3)
    paper0, electronic0, truth0 = generate_frames(consistent, seed=3)
    pd.testing.assert_frame_equal(electronic, electronic0)
    stated = truth[truth[c.MISMATCH_TYPE] == c.STATED_TIMELINESS_CONTRADICTION]
    assert len(stated) >= 3 and not (truth0[c.MISMATCH_TYPE] == c.STATED_TIMELINESS_CONTRADICTION).any()
    pd.testing.assert_frame_equal(truth.drop(stated.index).reset_index(drop=True), truth0)
    changed = paper[c.REF].isin(set(stated[c.PAPER_REF]))
    other = [col for col in c.PAPER_COLUMNS if col not in (c.STATED_TIMELINESS, c.RAW_VALUES)]
    pd.testing.assert_frame_equal(paper[other], paper0[other])
    pd.testing.assert_frame_equal(paper[~changed], paper0[~changed])
    assert (paper.loc[changed, c.STATED_TIMELINESS] != paper0.loc[changed, c.STATED_TIMELINESS]).all()


def test_split_total_is_exact_and_proportional() -> None:
    weights = [2756, 3770, 2790, 2981]
    parts = split_total(992, weights)
    assert sum(parts) == 992
    assert all(abs(p - 992 * w / sum(weights)) < 1 for p, w in zip(parts, weights, strict=True))
    assert split_total(0, [1, 2]) == [0, 0]


def test_infeasible_targets_are_refused() -> None:
    office = dataclasses.replace(SCENARIOS["small"].offices[1], paper_rows=100, electronic_rows=150)
    with pytest.raises(ConfigError, match="more rows"):
        plan_office(office, InjectionRates(), ())
    spec = dataclasses.replace(SCENARIOS["small"], offices=(office,))
    with pytest.raises(ConfigError):
        generate(spec, Path("never-written"))
    assert not Path("never-written").exists()


def test_spec_validation() -> None:
    office = SCENARIOS["small"].offices[0]
    with pytest.raises(ValueError, match="level"):
        dataclasses.replace(office, level="province")
    with pytest.raises(ValueError, match="unique"):
        ScenarioSpec("x", dt.date(2019, 1, 1), dt.date(2019, 1, 31), (office, office))
    with pytest.raises(ValueError, match="channel"):
        ScenarioSpec("x", dt.date(2019, 1, 1), dt.date(2019, 1, 31), (office,), (("fax", 3),))


def test_scaled_spec_generates_exact_scaled_targets(tmp_path: Path) -> None:
    spec = SCENARIOS["small"].scaled(2.5)
    assert spec.name == "small-x2.5"
    assert [o.paper_rows for o in spec.offices] == [375, 575, 550]
    assert dict(spec.channel_totals) == {"online": 30, "zalo": 10, "post": 10}
    gen = generate(spec, tmp_path)
    exp = gen.expected.set_index(c.UNIT_CODE)
    for o in spec.offices:
        assert exp.loc[o.code, [c.PAPER_RECEIVED, c.ELECTRONIC_RECEIVED, c.PAPER_OVERDUE,
                                c.ELECTRONIC_OVERDUE]].tolist() == [
            o.paper_rows, o.electronic_rows, o.paper_overdue, o.electronic_overdue,
        ]
    exports = pd.concat(
        pd.read_csv(p, dtype=str, encoding="utf-8-sig") for p in gen.electronic_dir.glob("*.csv")
    )
    assert len(exports) == sum(o.electronic_rows for o in spec.offices)


def test_custom_office_without_localities(tmp_path: Path) -> None:
    office = OfficeSpec(
        code="000.00.01.H01", name="Thị trấn Mẫu", level=c.LEVEL_WARD, parent=None,
        parent_authority="UBND HUYỆN MẪU", paper_rows=120, electronic_rows=100,
        paper_overdue=1, electronic_overdue=4,
    )
    spec = ScenarioSpec("custom", dt.date(2019, 5, 1), dt.date(2019, 5, 31), (office,))
    gen = generate(spec, tmp_path)
    ledger = pd.read_excel(gen.paper_dir / "thi-tran-mau_2019-05.xlsx",
                           engine="calamine", header=None)
    assert ledger.iloc[1, 0] == "ỦY BAN NHÂN DÂN THỊ TRẤN MẪU"
    assert ledger.iloc[9, 5].startswith("Khu phố ") and ", Thị trấn Mẫu - 0" in ledger.iloc[9, 5]
    row = gen.expected.set_index(c.UNIT_CODE).loc["000.00.01.H01"]
    assert (row[c.PAPER_OVERDUE], row[c.ELECTRONIC_OVERDUE]) == (1, 4)
