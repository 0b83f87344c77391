"""Row conservation per input file and sheet on the messy scenario: read = loaded + quarantined."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from doisoat import pipeline
from doisoat import schema as c
from doisoat.errors import ConservationError
from doisoat.scenario import generate
from doisoat.scenario.catalog import SCENARIOS
from doisoat.validators.quarantine import Validated

# the noisy scenario (every hard case of the generator) when this version has it
SCENARIO = "quality" if "quality" in SCENARIOS else "small"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.Inputs, pipeline.Checked]:
    root: Path = tmp_path_factory.mktemp("conservation")
    gen = generate(SCENARIO, root, seed=11)
    inputs = pipeline.read_inputs(gen.paper_dir, gen.electronic_dir, gen.offices_file)
    return inputs, pipeline.validate_inputs(inputs)


def test_every_file_and_sheet_conserves_its_rows(run: tuple[pipeline.Inputs, pipeline.Checked]) -> None:
    inputs, checked = run
    files = pipeline.file_counts(inputs, checked)
    assert list(files.columns) == [*c.FILES_COLUMNS, c.FILE_ROWS_LOADED, c.FILE_ROWS_QUARANTINED]
    assert len(files) == len(inputs.files)
    pd.testing.assert_series_equal(
        files[c.FILE_ROWS_READ].astype("int64"),
        (files[c.FILE_ROWS_LOADED] + files[c.FILE_ROWS_QUARANTINED]).rename(c.FILE_ROWS_READ),
    )
    counts = pipeline.row_counts(inputs, checked)
    for side in ("paper", "electronic"):
        mine = files[files[c.FILE_SIDE] == side]
        assert int(mine[c.FILE_ROWS_READ].sum()) == counts[f"{side}_rows_read"]
        assert int(mine[c.FILE_ROWS_LOADED].sum()) == counts[f"{side}_rows_loaded"]
        assert int(mine[c.FILE_ROWS_QUARANTINED].sum()) == counts[f"{side}_rows_quarantined"]
    assert counts["paper_rows_quarantined"] > 0, "the scenario injects invalid rows"
    # each quarantined row is counted against its own file and sheet
    q = checked.quarantine.groupby([c.SIDE, c.SOURCE_FILE, c.SOURCE_SHEET]).size()
    by_file = files.set_index([c.FILE_SIDE, c.FILE_NAME, c.FILE_SHEET])[c.FILE_ROWS_QUARANTINED]
    assert (by_file.loc[q.index] == q).all()


def test_a_lost_row_fails_loudly_naming_its_file(run: tuple[pipeline.Inputs, pipeline.Checked]) -> None:
    inputs, checked = run
    valid = checked.paper.valid
    lost_file, lost_sheet = valid[c.SOURCE_FILE].iloc[0], valid[c.SOURCE_SHEET].iloc[0]
    broken = dataclasses.replace(
        checked, paper=Validated(valid=valid.iloc[1:], quarantine=checked.paper.quarantine)
    )
    with pytest.raises(ConservationError, match=f"paper {lost_file}!{lost_sheet}: rows read"):
        pipeline.check_conservation(inputs, broken)


def test_a_reader_count_that_disagrees_with_its_records_fails(
    run: tuple[pipeline.Inputs, pipeline.Checked],
) -> None:
    inputs, checked = run
    files = inputs.electronic.files.copy()
    files.loc[files.index[0], c.FILE_ROWS_READ] += 1
    broken = dataclasses.replace(inputs, electronic=dataclasses.replace(inputs.electronic, files=files))
    with pytest.raises(ConservationError, match=f"electronic {files[c.FILE_NAME].iloc[0]}"):
        pipeline.check_conservation(broken, checked)
