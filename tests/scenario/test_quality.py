"""The quality scenario's frames: schema, every hard case and noise present, truth consistent."""

from __future__ import annotations

import pandas as pd
import pytest

from doisoat import schema as c
from doisoat.scenario import generate_frames
from doisoat.scenario.noise import twins
from doisoat.validators import timeliness
from doisoat.validators.quarantine import PAPER, validate


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return generate_frames("quality", seed=42)


def test_frames_have_the_schema(frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    paper, electronic, _ = frames
    assert list(paper.columns) == c.PAPER_COLUMNS and list(electronic.columns) == c.ELECTRONIC_COLUMNS
    assert paper[c.RECEIVED_AT].dtype == "datetime64[us]" and str(paper[c.QUANTITY].dtype) == "Int64"
    assert paper[c.REF].is_unique and electronic[c.REF].is_unique
    assert 19_000 <= len(paper) <= 21_000
    assert paper[c.DOSSIER_CODE].isna().mean() >= 1 / 3


Frames = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]


def test_every_hard_case_and_noise_is_present(frames: Frames) -> None:
    _, _, truth = frames
    links = truth[truth["kind"] == "link"]
    labels = links["noise"].str.split("|").explode().value_counts()
    for label in ("no_code", "neighbour_code", "code_typo", "shared_name", "batch", "receipt_lag",
                  "day_month_swap", "name_typo", "no_diacritics", "abbreviation", "name_variant"):
        assert labels.get(label, 0) >= 10, label
    kinds = truth.loc[truth["kind"] == "mismatch", "mismatch_type"].value_counts()
    assert set(kinds.index) == set(c.MISMATCH_TYPES)  # every finding type
    assert kinds[c.STATED_TIMELINESS_CONTRADICTION] >= 100


def test_stated_contradictions_are_exactly_the_paper_rows_whose_dates_contradict_them(
    frames: Frames,
) -> None:
    paper, electronic, truth = frames
    valid = validate(paper, PAPER).valid
    checks = timeliness.recompute(valid, PAPER)
    contradicting = set(checks.loc[checks[timeliness.CONTRADICTS], c.REF])
    stated = truth[truth["mismatch_type"] == c.STATED_TIMELINESS_CONTRADICTION]
    assert set(stated[c.PAPER_REF]) == contradicting and stated[c.ELECTRONIC_REF].isna().all()
    # each is a pair whose software record states what the dates give, and the paper's overdue
    # count is untouched: an on-time return under Trước hạn or an early one under Đúng hạn
    links = truth[truth["kind"] == "link"].set_index(c.PAPER_REF)
    assert stated[c.PAPER_REF].isin(links.index).all()
    rows = checks.set_index(c.REF).loc[stated[c.PAPER_REF]]
    pairs = {(c.EARLY, c.ON_TIME), (c.ON_TIME, c.EARLY)}
    assert set(zip(rows[c.STATED_TIMELINESS], rows[timeliness.COMPUTED_TIMELINESS], strict=True)) <= pairs
    records = electronic.set_index(c.REF).loc[links.loc[stated[c.PAPER_REF], c.ELECTRONIC_REF]]
    assert (records[c.STATED_TIMELINESS].to_numpy() == rows[timeliness.COMPUTED_TIMELINESS].to_numpy()).all()


def test_truth_points_at_rows_that_show_it(frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    paper, electronic, truth = frames
    p = paper.set_index(c.REF)
    e = electronic.set_index(c.REF)
    links = truth[truth["kind"] == "link"]
    assert links["paper_ref"].isin(p.index).all() and links["electronic_ref"].isin(e.index).all()
    assert links["paper_ref"].is_unique and links["electronic_ref"].is_unique
    lp, le = p.loc[links["paper_ref"]], e.loc[links["electronic_ref"]]
    assert (le[c.DOSSIER_CODE].to_numpy() == links[c.DOSSIER_CODE].to_numpy()).all()
    clean = (links["noise"] == "").to_numpy()
    assert (lp[c.DOSSIER_CODE].to_numpy()[clean] == links[c.DOSSIER_CODE].to_numpy()[clean]).all()
    neighbour = links["noise"].str.contains("neighbour_code").to_numpy()
    written = lp[c.DOSSIER_CODE].to_numpy()[neighbour]
    assert (written != links[c.DOSSIER_CODE].to_numpy()[neighbour]).all()
    known = set(paper[c.DOSSIER_CODE].dropna()) | set(electronic[c.DOSSIER_CODE])
    assert pd.Series(written).isin(known).all()
    swapped = links["noise"].str.contains("day_month_swap").to_numpy()
    assert (lp[c.RECEIVED_AT].to_numpy()[swapped] < le[c.RECEIVED_AT].to_numpy()[swapped]).all()
    batch = links[links["noise"].str.contains("batch")]
    names = p.loc[batch["paper_ref"], c.APPLICANT_CONTACT]
    assert names.duplicated().sum() > len(batch) / 3  # several dossiers of one person


def test_twins_are_the_same_applicants_rows_within_a_minute() -> None:
    df = pd.DataFrame(
        {
            c.APPLICANT_NAME: ["Lê Văn An", "Lê Văn An", "Trần Thị Bình", "Lê Văn An", "Lê Văn An"],
            c.RECEIVED_AT: pd.to_datetime(
                ["2019-01-02 08:30:00", "2019-01-02 08:31:40", "2019-01-02 08:30:00", "2019-01-02 09:00:00",
                 "2019-01-03 08:30:00"]
            ).astype("datetime64[us]"),
        }
    )
    assert twins(df).tolist() == [True, True, False, False, False]


def test_twins_keep_their_codes_on_paper(frames: Frames) -> None:
    # a same-person dossier within a minute of another is told apart by its code alone; checked on
    # the paper rows whose name and date were written as received
    paper, _, truth = frames
    as_received = ~truth["noise"].str.contains("name_typo|no_diacritics|day_month_swap")
    links = truth[(truth["kind"] == "link") & as_received]
    rows = paper[paper[c.REF].isin(set(links[c.PAPER_REF]))]
    twin = rows.groupby(c.UNIT_CODE, group_keys=False).apply(
        lambda office: pd.Series(twins(office), index=office.index)
    )
    assert twin.sum() >= 10
    assert rows.loc[twin[twin].index, c.DOSSIER_CODE].notna().all()
