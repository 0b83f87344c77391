"""The engine's own test generator: twins keep their codes on paper, the shares of code noise stay."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from doisoat import schema as c
from tests.reconcile.linkage_scenario import Linkage, generate_linkage, twins


@pytest.fixture(scope="module")
def linkage() -> Linkage:
    return generate_linkage(6000, offices=2, seed=5)


def test_twins_are_rows_the_ledger_cannot_tell_apart() -> None:
    # office, person, day, minute of receipt, whether the paper states the time
    rows = [
        (0, 1, 1, 480, False), (0, 1, 1, 600, True),  # one states no time: ambiguous
        (0, 2, 1, 480, True), (0, 2, 1, 481, True),  # both timed, a minute apart
        (0, 3, 1, 480, True), (0, 3, 1, 540, True),  # both timed, an hour apart
        (0, 4, 1, 480, False), (0, 4, 2, 480, False),  # other days
        (0, 5, 1, 480, False), (1, 5, 1, 480, False),  # other offices
        (0, 6, 1, 470, False), (0, 6, 1, 480, True), (0, 6, 1, 540, True),  # all three ambiguous
        (0, 7, 1, 480, False),  # alone
    ]
    office, person, day, minute, timed = (np.array(col) for col in zip(*rows, strict=True))
    got = twins(office, person, day, minute, timed.astype(bool))
    assert got.tolist() == [True, True, True, True, False, False, False, False, False, False,
                            True, True, True, False]


def _paper_twins(paper: pd.DataFrame) -> pd.Series:
    """Twins as the ledger shows them (rows whose name and date were written as received)."""
    received = paper[c.RECEIVED_AT]
    day = received.dt.normalize()
    return pd.Series(
        twins(
            paper[c.UNIT_CODE].to_numpy(), pd.factorize(paper[c.APPLICANT_NAME])[0], day.to_numpy(),
            ((received - day).dt.total_seconds() // 60).to_numpy(), (received != day).to_numpy(),
        ),
        index=paper[c.REF].to_numpy(),
    )


def test_twins_keep_their_own_codes_on_paper(linkage: Linkage) -> None:
    truth, paper, electronic = linkage.truth, linkage.paper, linkage.electronic
    links = truth[(truth["kind"] == "link")
                  & ~truth["noise"].str.contains("name_|date_swapped", regex=True)]
    rows = paper[paper[c.REF].isin(set(links[c.PAPER_REF]))]
    twin = _paper_twins(rows)
    assert twin.sum() >= 100  # one person's several dossiers of a morning are common
    twin_links = links[links[c.PAPER_REF].map(twin).to_numpy(dtype=bool)]
    assert not twin_links["noise"].str.contains("code_missing|neighbour_code", regex=True).any()
    written = paper.set_index(c.REF).loc[twin_links[c.PAPER_REF], c.DOSSIER_CODE]
    own = electronic.set_index(c.REF).loc[twin_links[c.ELECTRONIC_REF], c.DOSSIER_CODE]
    typo = twin_links["noise"].str.contains("code_typo").to_numpy()
    assert written.notna().all()
    assert (written.to_numpy()[~typo] == own.to_numpy()[~typo]).all()


def test_code_noise_keeps_its_shares(linkage: Linkage) -> None:
    # the codes twins keep are lost by other rows instead: a third of the rows that may lose one
    # (plain pairs and paper-only rows) still have none (≈0.32 here: the first rows of duplicated
    # dossiers, which keep theirs, count as plain links), not the ≈0.28 left if twins were skipped
    truth = linkage.truth
    injected = set(truth.loc[truth["kind"] == "mismatch", c.PAPER_REF])
    links = truth[truth["kind"] == "link"]
    plain = links[~links[c.PAPER_REF].isin(injected)]
    may_lose = pd.concat([plain, truth[truth[c.MISMATCH_TYPE] == c.MISSING_ELECTRONIC]])
    assert may_lose["noise"].str.contains("code_missing").mean() == pytest.approx(0.32, abs=0.02)
    assert plain["noise"].str.contains("neighbour_code").mean() == pytest.approx(0.02, abs=0.005)
