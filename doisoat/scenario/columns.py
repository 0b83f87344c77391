"""Internal columns of the generator's frame of dossiers (one row per distinct dossier).

Columns shared with the pipeline use the `doisoat.schema` names (received_at, due_date, …) and
hold the paper side; the software side of the same dossier lives in the `E_*` columns, so one
row describes both sides of a pair and the injected differences between them.
"""

from __future__ import annotations

from typing import Final

PROCESSING_DAYS: Final = "processing_days"
OUTCOME: Final = "outcome"  # paper side: schema.EARLY / ON_TIME / LATE or OPEN
OPEN: Final = "open"  # still in progress at the period end
ROLE: Final = "role"  # PAIR / PAPER_ONLY / ELECTRONIC_ONLY
PAIR: Final = "pair"
PAPER_ONLY: Final = "paper_only"
ELECTRONIC_ONLY: Final = "electronic_only"
FINDING: Final = "finding"  # the one injected finding of the dossier (schema.MISMATCH_TYPES) or NA
VARIANT: Final = "variant"  # benign or figure-shaping treatment, for inspection only
INVALID_KIND: Final = "invalid_kind"  # why the paper row is invalid, or NA

# invalid paper rows
RETURNED_BEFORE_RECEIPT: Final = "returned_before_receipt"
ZERO_QUANTITY: Final = "zero_quantity"
TWO_RETURN_COLUMNS: Final = "two_return_columns"
INVALID_KINDS: Final = (RETURNED_BEFORE_RECEIPT, ZERO_QUANTITY, TWO_RETURN_COLUMNS)

# the paper's stated timeliness: the return column its date is written in (schema.TIMELINESS or
# OPEN); OUTCOME (which the software copies) unless a stated-timeliness contradiction is injected
STATED: Final = "stated"

# paper return columns K / L / M (the date written in each, NaT when blank)
MARK_EARLY: Final = "mark_early"
MARK_ON_TIME: Final = "mark_on_time"
MARK_LATE: Final = "mark_late"

# software side
E_RECEIVED: Final = "e_received_at"
E_DUE: Final = "e_due_date"
E_RETURNED: Final = "e_returned_at"  # "Ngày có kết quả", with a time of day
E_PROGRESS: Final = "e_progress"  # schema.TIMELINESS value or NA while open
E_STATUS: Final = "e_status"  # schema.STATUSES value
E_PROCEDURE: Final = "e_procedure_name"
E_FIELD: Final = "e_field"
E_APPLICANT: Final = "e_applicant_name"
E_CHANNEL: Final = "e_channel"

# rows as laid out in the files
EXTRA: Final = "extra"  # True on the second row of a duplicated dossier
FILE: Final = "file"
SHEET: Final = "sheet"
ROW: Final = "row"

# what the clerk wrote on paper, when it differs from the dossier's truth (noise.py)
W_CODE: Final = "written_code"  # the code as written (NA when none was written)
W_RECEIVED: Final = "written_received_at"  # the receipt as written (day and month swapped…)
NOISE: Final = "noise"  # "|"-joined labels of the hard cases and benign noise of the dossier, or ""
