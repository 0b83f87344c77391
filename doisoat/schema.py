"""Column names of every DataFrame that crosses a stage boundary, defined once.

These lists are the contract between `sources` → `validators` → `reconcile` → `warehouse` →
`reports`. Add columns at the end; never rename one without a migration.
"""

from __future__ import annotations

from typing import Final

# --- lineage: on every input row -------------------------------------------------------------
REF: Final = "ref"  # paper "<file>!<sheet>!<row>", electronic "<file>#<row>"
SOURCE_FILE: Final = "source_file"  # path under the input folder, "/"-separated ("2019/T1.xlsx")
SOURCE_SHA256: Final = "source_sha256"
SOURCE_SHEET: Final = "source_sheet"  # None for CSV
SOURCE_ROW: Final = "source_row"  # 1-based row number as a spreadsheet program shows it
RAW_VALUES: Final = "raw_values"  # JSON object {header text: cell text} of the row as read
PARSE_ERRORS: Final = "parse_errors"  # "; "-joined problems found while parsing cells, or NA

LINEAGE_COLUMNS: Final = [REF, SOURCE_FILE, SOURCE_SHA256, SOURCE_SHEET, SOURCE_ROW]

# --- office ----------------------------------------------------------------------------------
UNIT_CODE: Final = "unit_code"
UNIT_NAME: Final = "unit_name"
LEVEL: Final = "level"  # "city" (city / district level) or "ward" (ward / commune / township)

# --- the dossier, on both sides --------------------------------------------------------------
DOSSIER_CODE_RAW: Final = "dossier_code_raw"  # as typed
DOSSIER_CODE: Final = "dossier_code"  # trimmed, upper-cased, normalised; NA when absent
PROCEDURE_NAME: Final = "procedure_name"
FIELD: Final = "field"  # lĩnh vực
APPLICANT_NAME: Final = "applicant_name"
RECEIVED_AT: Final = "received_at"  # datetime64 (time of day when known, else midnight)
DUE_DATE: Final = "due_date"  # datetime64, midnight
RETURNED_DATE: Final = "returned_date"  # datetime64, midnight; NA while in progress
STATED_TIMELINESS: Final = "stated_timeliness"  # one of TIMELINESS values or NA

# paper only
SEQ: Final = "seq"  # STT as written
QUANTITY: Final = "quantity"  # số lượng hồ sơ (bộ)
APPLICANT_CONTACT: Final = "applicant_contact"  # địa chỉ, số điện thoại
HANDLING_AGENCY: Final = "handling_agency"  # cơ quan chủ trì giải quyết
TRANSFERRED_DATE: Final = "transferred_date"  # chuyển hồ sơ đến cơ quan giải quyết
NOTE: Final = "note"  # ghi chú
RETURN_MARKS: Final = "return_marks"  # how many of Trước hạn / Đúng hạn / Quá hạn hold a date (0..3)

# electronic only
STATUS: Final = "status"  # one of STATUSES
STATUS_RAW: Final = "status_raw"
CHANNEL: Final = "channel"  # one of CHANNELS
OFFICE_RAW: Final = "office_raw"  # the export's "Đơn vị tiếp nhận" as written

PAPER_COLUMNS: Final = [
    *LINEAGE_COLUMNS,
    UNIT_CODE,
    UNIT_NAME,
    LEVEL,
    SEQ,
    DOSSIER_CODE_RAW,
    DOSSIER_CODE,
    PROCEDURE_NAME,
    QUANTITY,
    APPLICANT_NAME,
    APPLICANT_CONTACT,
    HANDLING_AGENCY,
    RECEIVED_AT,
    DUE_DATE,
    TRANSFERRED_DATE,
    RETURNED_DATE,
    STATED_TIMELINESS,
    RETURN_MARKS,
    NOTE,
    RAW_VALUES,
    PARSE_ERRORS,
]

ELECTRONIC_COLUMNS: Final = [
    *LINEAGE_COLUMNS,
    UNIT_CODE,
    UNIT_NAME,
    LEVEL,
    DOSSIER_CODE_RAW,
    DOSSIER_CODE,
    PROCEDURE_NAME,
    FIELD,
    OFFICE_RAW,
    APPLICANT_NAME,
    RECEIVED_AT,
    DUE_DATE,
    RETURNED_DATE,
    STATUS,
    STATUS_RAW,
    STATED_TIMELINESS,
    CHANNEL,
    RAW_VALUES,
    PARSE_ERRORS,
]

# --- vocabularies ----------------------------------------------------------------------------
EARLY: Final = "early"  # Trước hạn
ON_TIME: Final = "on_time"  # Đúng hạn
LATE: Final = "late"  # Quá hạn
TIMELINESS: Final = (EARLY, ON_TIME, LATE)

LEVEL_CITY: Final = "city"
LEVEL_WARD: Final = "ward"
LEVELS: Final = (LEVEL_CITY, LEVEL_WARD)

# KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích; Zalo seen in Tây Ninh 2019.
CHANNELS: Final = ("direct", "online", "post", "zalo")

# TrangThaiHoSo codes 1-10 (see doisoat/data/statuses.csv).
STATUSES: Final = (
    "registered",
    "accepted",
    "rejected",
    "processing",
    "supplement_requested",
    "payment_requested",
    "withdrawn",
    "stopped",
    "resolved",
    "returned",
)
# Statuses in which a dossier is still open: past its due date at period end, it is overdue.
OPEN_STATUSES: Final = frozenset(
    {"registered", "accepted", "processing", "supplement_requested", "payment_requested"}
)

# --- reconcile outputs (the output contract) -------------------------------------------------
PAPER_REF: Final = "paper_ref"
ELECTRONIC_REF: Final = "electronic_ref"
METHOD: Final = "method"  # "exact_code", "normalised_code", "fuzzy"
SCORE: Final = "score"  # 0..1
# the fields that agreed (gave the pair positive points), e.g. "code+applicant+procedure+date";
# in the engine's matches frame a uint8 bitmask over reconcile.evidence.FIELDS, text in the outputs
AGREED: Final = "agreed"

MATCH_COLUMNS: Final = [PAPER_REF, ELECTRONIC_REF, METHOD, SCORE, AGREED]

MISMATCH_ID: Final = "mismatch_id"
MISMATCH_TYPE: Final = "mismatch_type"
MISMATCH_FIELD: Final = "field"
PAPER_VALUE: Final = "paper_value"
ELECTRONIC_VALUE: Final = "electronic_value"
DETAIL: Final = "detail"

MISMATCH_COLUMNS: Final = [
    MISMATCH_ID,
    MISMATCH_TYPE,
    UNIT_CODE,
    DOSSIER_CODE,
    PAPER_REF,
    ELECTRONIC_REF,
    MISMATCH_FIELD,
    PAPER_VALUE,
    ELECTRONIC_VALUE,
    DETAIL,
]

MISSING_ELECTRONIC: Final = "missing_electronic"
MISSING_PAPER: Final = "missing_paper"
TIMELINESS_CONFLICT: Final = "timeliness_conflict"
DATE_MISMATCH: Final = "date_mismatch"
PROCEDURE_MISMATCH: Final = "procedure_mismatch"
APPLICANT_MISMATCH: Final = "applicant_mismatch"
DUPLICATE_PAPER: Final = "duplicate_paper"
DUPLICATE_ELECTRONIC: Final = "duplicate_electronic"
INVALID_RECORD: Final = "invalid_record"
# a record whose own stated timeliness (Trước hạn / Đúng hạn / Quá hạn) contradicts its dates
STATED_TIMELINESS_CONTRADICTION: Final = "stated_timeliness_contradiction"
MISMATCH_TYPES: Final = (
    MISSING_ELECTRONIC,
    MISSING_PAPER,
    TIMELINESS_CONFLICT,
    DATE_MISMATCH,
    PROCEDURE_MISMATCH,
    APPLICANT_MISMATCH,
    DUPLICATE_PAPER,
    DUPLICATE_ELECTRONIC,
    INVALID_RECORD,
    STATED_TIMELINESS_CONTRADICTION,
)

PERIOD_START: Final = "period_start"
PERIOD_END: Final = "period_end"
PAPER_RECEIVED: Final = "paper_received"
ELECTRONIC_RECEIVED: Final = "electronic_received"
RECEIVED_DIFFERENCE: Final = "received_difference"  # electronic − paper
PAPER_OVERDUE: Final = "paper_overdue"
ELECTRONIC_OVERDUE: Final = "electronic_overdue"
OVERDUE_DIFFERENCE: Final = "overdue_difference"  # electronic − paper
PAPER_ON_TIME_RATE: Final = "paper_on_time_rate"  # fraction 0..1
ELECTRONIC_ON_TIME_RATE: Final = "electronic_on_time_rate"

SUMMARY_COLUMNS: Final = [
    LEVEL,
    UNIT_CODE,
    UNIT_NAME,
    PERIOD_START,
    PERIOD_END,
    PAPER_RECEIVED,
    ELECTRONIC_RECEIVED,
    RECEIVED_DIFFERENCE,
    PAPER_OVERDUE,
    ELECTRONIC_OVERDUE,
    OVERDUE_DIFFERENCE,
    PAPER_ON_TIME_RATE,
    ELECTRONIC_ON_TIME_RATE,
]
# unit_code of the per-level total rows of the summary
ALL_UNITS: Final = "*"

# --- quarantine ------------------------------------------------------------------------------
SIDE: Final = "side"  # "paper" or "electronic"
REASONS: Final = "reasons"  # "; "-joined, every reason the row failed
QUARANTINE_COLUMNS: Final = [
    SIDE,
    REF,
    SOURCE_FILE,
    SOURCE_SHA256,
    SOURCE_SHEET,
    SOURCE_ROW,
    UNIT_CODE,
    DOSSIER_CODE,
    RAW_VALUES,
    REASONS,
]

# --- input files: one row per file (and sheet) a run looked at ------------------------------
FILE_SIDE: Final = "side"  # "paper" or "electronic"
FILE_NAME: Final = "file"
FILE_SHA256: Final = "sha256"
FILE_SHEET: Final = "sheet"
FILE_ROWS_READ: Final = "rows_read"
FILE_STATUS: Final = "status"  # one of FILE_STATUSES
FILE_REASON: Final = "reason"
FILES_COLUMNS: Final = [
    FILE_SIDE, FILE_NAME, FILE_SHA256, FILE_SHEET, FILE_ROWS_READ, FILE_STATUS, FILE_REASON,
]
FILE_READ: Final = "read"
FILE_SKIPPED: Final = "skipped"
FILE_FAILED: Final = "failed"
FILE_STATUSES: Final = (FILE_READ, FILE_SKIPPED, FILE_FAILED)
# added by the pipeline after validation: rows_read = rows_loaded + rows_quarantined, per file and sheet
FILE_ROWS_LOADED: Final = "rows_loaded"
FILE_ROWS_QUARANTINED: Final = "rows_quarantined"

# --- office registry ------------------------------------------------------------------------
OFFICE_CODE: Final = "code"
OFFICE_NAME: Final = "name"
OFFICE_ALIASES: Final = "aliases"  # "|"-separated
OFFICE_LEVEL: Final = "level"
OFFICE_PARENT: Final = "parent"
OFFICE_COLUMNS: Final = [OFFICE_CODE, OFFICE_NAME, OFFICE_ALIASES, OFFICE_LEVEL, OFFICE_PARENT]

# --- breakdown: counts per dimension value (field, procedure, channel, month) ------------------
DIMENSION: Final = "dimension"  # "field", "procedure", "channel", "month"
DIMENSION_VALUE: Final = "value"
PAPER_MATCHED: Final = "paper_matched"  # paper rows linked to an electronic record
SYNC_RATE: Final = "sync_rate"  # share of paper dossiers found in the software (matched), 0..1
# Differences and on-time rates are defined as in the summary (electronic − paper; fractions 0..1,
# NaN without rows on that side); then the sync rate and one count column per mismatch type (where
# the finding's paper row, else its electronic row, belongs). Columns were added at the end.
BREAKDOWN_COLUMNS: Final = [
    DIMENSION,
    DIMENSION_VALUE,
    LEVEL,
    UNIT_CODE,
    PAPER_RECEIVED,
    ELECTRONIC_RECEIVED,
    PAPER_OVERDUE,
    ELECTRONIC_OVERDUE,
    RECEIVED_DIFFERENCE,
    OVERDUE_DIFFERENCE,
    PAPER_ON_TIME_RATE,
    ELECTRONIC_ON_TIME_RATE,
    PAPER_MATCHED,
    SYNC_RATE,
    *MISMATCH_TYPES,
]
BREAKDOWN_RATES: Final = [PAPER_ON_TIME_RATE, ELECTRONIC_ON_TIME_RATE, SYNC_RATE]
# the breakdown's integer columns: every column after the four labels that is not a rate
BREAKDOWN_COUNTS: Final = [column for column in BREAKDOWN_COLUMNS[4:] if column not in BREAKDOWN_RATES]
