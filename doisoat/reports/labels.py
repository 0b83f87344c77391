"""Vietnamese labels for every code and column the reports show, kept as tables in one place.

Codes (mismatch types, levels, sides, statuses) stay English in the data and the CSV outputs; only
what a person reads in report.html / report.xlsx is translated, through these tables.
"""

from __future__ import annotations

from typing import Final

from doisoat import schema
from doisoat.reconcile.timeliness import TIMELINESS_LABELS_VI

# --- columns of the `files` frame handed to write_reports: defined in schema.py ----------------
from doisoat.schema import (
    FILE_FAILED,
    FILE_NAME,
    FILE_READ,
    FILE_REASON,
    FILE_ROWS_READ,
    FILE_SHA256,
    FILE_SHEET,
    FILE_SIDE,
    FILE_SKIPPED,
    FILE_STATUS,
)

# --- vocabularies -------------------------------------------------------------------------------
MISMATCH_TYPE_LABELS: Final[dict[str, str]] = {
    schema.MISSING_ELECTRONIC: "Có trên sổ giấy, thiếu trên phần mềm",
    schema.MISSING_PAPER: "Có trên phần mềm, thiếu trên sổ giấy",
    schema.TIMELINESS_CONFLICT: "Mâu thuẫn về tiến độ (đúng hạn/quá hạn)",
    schema.DATE_MISMATCH: "Sai lệch ngày",
    schema.PROCEDURE_MISMATCH: "Sai lệch thủ tục",
    schema.APPLICANT_MISMATCH: "Sai lệch người nộp",
    schema.DUPLICATE_PAPER: "Trùng trên sổ giấy",
    schema.DUPLICATE_ELECTRONIC: "Trùng trên phần mềm",
    schema.INVALID_RECORD: "Bản ghi không hợp lệ",
    schema.STATED_TIMELINESS_CONTRADICTION: "Tiến độ ghi trên hồ sơ mâu thuẫn với ngày",
}

LEVEL_LABELS: Final[dict[str, str]] = {
    schema.LEVEL_CITY: "Cấp thành phố",
    schema.LEVEL_WARD: "Cấp xã, phường",
}

SIDE_LABELS: Final[dict[str, str]] = {"paper": "Sổ giấy", "electronic": "Phần mềm"}

FILE_STATUS_LABELS: Final[dict[str, str]] = {
    FILE_READ: "Đã đọc",
    FILE_SKIPPED: "Bỏ qua",
    FILE_FAILED: "Lỗi",
}

METHOD_LABELS: Final[dict[str, str]] = {
    "exact_code": "Trùng mã hồ sơ",
    "normalised_code": "Trùng mã sau chuẩn hoá",
    "fuzzy": "Gần đúng",
}

# the engine words its findings with the same table
TIMELINESS_LABELS: Final[dict[str, str]] = TIMELINESS_LABELS_VI

# the record fields a mismatch can name (schema.MISMATCH_FIELD)
FIELD_LABELS: Final[dict[str, str]] = {
    schema.DOSSIER_CODE: "Mã hồ sơ",
    schema.DOSSIER_CODE_RAW: "Mã hồ sơ (như ghi)",
    schema.PROCEDURE_NAME: "Tên thủ tục hành chính",
    schema.FIELD: "Lĩnh vực",
    schema.APPLICANT_NAME: "Tên cá nhân, tổ chức",
    schema.APPLICANT_CONTACT: "Địa chỉ, số điện thoại",
    schema.RECEIVED_AT: "Ngày nhận hồ sơ",
    schema.DUE_DATE: "Ngày hẹn trả kết quả",
    schema.RETURNED_DATE: "Ngày trả kết quả",
    schema.TRANSFERRED_DATE: "Ngày chuyển hồ sơ",
    schema.STATED_TIMELINESS: "Tiến độ (trước hạn/đúng hạn/quá hạn)",
    schema.QUANTITY: "Số lượng hồ sơ (bộ)",
    schema.HANDLING_AGENCY: "Cơ quan chủ trì giải quyết",
    schema.STATUS: "Trạng thái hồ sơ",
    schema.CHANNEL: "Kênh tiếp nhận",
    schema.UNIT_CODE: "Mã đơn vị",
    schema.SEQ: "Số thứ tự",
    schema.NOTE: "Ghi chú",
}

# the breakdown's dimensions (schema.DIMENSION values)
DIMENSION_LABELS: Final[dict[str, str]] = {
    "office": "Đơn vị",
    "field": "Lĩnh vực",
    "procedure": "Thủ tục",
    "channel": "Kênh tiếp nhận",
    "month": "Tháng",
}
# the fields a link's explanation names (reconcile.evidence.FIELDS, schema.AGREED)
AGREED_FIELD_LABELS: Final[dict[str, str]] = {
    "code": "mã hồ sơ",
    "applicant": "người nộp",
    "procedure": "thủ tục",
    "date": "ngày nhận",
    "due": "ngày hẹn trả",
    "time": "giờ nhận",
    "quantity": "số lượng",
}

# --- column headers -------------------------------------------------------------------------------
# The summary table as the Tây Ninh article shows it (report.html).
SUMMARY_TABLE_HEADERS: Final[dict[str, str]] = {
    schema.PAPER_RECEIVED: "Số hồ sơ trên sổ giấy",
    schema.ELECTRONIC_RECEIVED: "Số hồ sơ trên phần mềm",
    schema.RECEIVED_DIFFERENCE: "Chênh lệch",
    schema.PAPER_OVERDUE: "Quá hạn (giấy)",
    schema.ELECTRONIC_OVERDUE: "Quá hạn (phần mềm)",
    schema.OVERDUE_DIFFERENCE: "Chênh lệch",
    schema.PAPER_ON_TIME_RATE: "Tỷ lệ đúng hạn (giấy)",
    schema.ELECTRONIC_ON_TIME_RATE: "Tỷ lệ đúng hạn (phần mềm)",
}

# Sheet headers of report.xlsx, one per column, in sheet order; unique within a sheet.
SUMMARY_HEADERS: Final[dict[str, str]] = {
    schema.LEVEL: "Cấp",
    schema.UNIT_CODE: "Mã đơn vị",
    schema.UNIT_NAME: "Đơn vị",
    schema.PERIOD_START: "Từ ngày",
    schema.PERIOD_END: "Đến ngày",
    schema.PAPER_RECEIVED: "Số hồ sơ trên sổ giấy",
    schema.ELECTRONIC_RECEIVED: "Số hồ sơ trên phần mềm",
    schema.RECEIVED_DIFFERENCE: "Chênh lệch (tiếp nhận)",
    schema.PAPER_OVERDUE: "Quá hạn (giấy)",
    schema.ELECTRONIC_OVERDUE: "Quá hạn (phần mềm)",
    schema.OVERDUE_DIFFERENCE: "Chênh lệch (quá hạn)",
    schema.PAPER_ON_TIME_RATE: "Tỷ lệ đúng hạn (giấy)",
    schema.ELECTRONIC_ON_TIME_RATE: "Tỷ lệ đúng hạn (phần mềm)",
}

UNIT_DISPLAY_NAME: Final = "unit_display_name"  # derived: the office's name, else its code

MISMATCH_HEADERS: Final[dict[str, str]] = {
    schema.MISMATCH_ID: "Mã sai lệch",
    schema.MISMATCH_TYPE: "Loại sai lệch",
    schema.UNIT_CODE: "Mã đơn vị",
    UNIT_DISPLAY_NAME: "Đơn vị",
    schema.DOSSIER_CODE: "Mã hồ sơ",
    schema.PAPER_REF: "Vị trí trên sổ giấy",
    schema.ELECTRONIC_REF: "Vị trí trên phần mềm",
    schema.MISMATCH_FIELD: "Trường dữ liệu",
    schema.PAPER_VALUE: "Giá trị trên sổ giấy",
    schema.ELECTRONIC_VALUE: "Giá trị trên phần mềm",
    schema.DETAIL: "Chi tiết",
}

MATCH_HEADERS: Final[dict[str, str]] = {
    schema.UNIT_CODE: "Mã đơn vị",
    schema.DOSSIER_CODE: "Mã hồ sơ",
    schema.PAPER_REF: "Vị trí trên sổ giấy",
    schema.ELECTRONIC_REF: "Vị trí trên phần mềm",
    schema.METHOD: "Cách ghép",
    schema.SCORE: "Độ tương đồng",
    schema.AGREED: "Các trường trùng khớp",
}
MISMATCHES: Final = "mismatches"  # derived: findings of every type, summed
# The per-field and per-month tables of report.html (level totals of the breakdown).
BREAKDOWN_TABLE_HEADERS: Final[dict[str, str]] = {
    schema.PAPER_RECEIVED: "Số hồ sơ trên sổ giấy",
    schema.ELECTRONIC_RECEIVED: "Số hồ sơ trên phần mềm",
    schema.SYNC_RATE: "Tỷ lệ đồng bộ",
    schema.PAPER_OVERDUE: "Quá hạn (giấy)",
    schema.ELECTRONIC_OVERDUE: "Quá hạn (phần mềm)",
    schema.PAPER_ON_TIME_RATE: "Tỷ lệ đúng hạn (giấy)",
    schema.ELECTRONIC_ON_TIME_RATE: "Tỷ lệ đúng hạn (phần mềm)",
    MISMATCHES: "Sai lệch",
}
# The breakdown sheet of report.xlsx: every column of schema.BREAKDOWN_COLUMNS, the office's name
# after its code.
BREAKDOWN_HEADERS: Final[dict[str, str]] = {
    schema.DIMENSION: "Phân tổ theo",
    schema.DIMENSION_VALUE: "Giá trị",
    schema.LEVEL: "Cấp",
    schema.UNIT_CODE: "Mã đơn vị",
    UNIT_DISPLAY_NAME: "Đơn vị",
    schema.PAPER_RECEIVED: "Số hồ sơ trên sổ giấy",
    schema.ELECTRONIC_RECEIVED: "Số hồ sơ trên phần mềm",
    schema.PAPER_OVERDUE: "Quá hạn (giấy)",
    schema.ELECTRONIC_OVERDUE: "Quá hạn (phần mềm)",
    schema.RECEIVED_DIFFERENCE: "Chênh lệch (tiếp nhận)",
    schema.OVERDUE_DIFFERENCE: "Chênh lệch (quá hạn)",
    schema.PAPER_ON_TIME_RATE: "Tỷ lệ đúng hạn (giấy)",
    schema.ELECTRONIC_ON_TIME_RATE: "Tỷ lệ đúng hạn (phần mềm)",
    schema.PAPER_MATCHED: "Hồ sơ giấy có trên phần mềm",
    schema.SYNC_RATE: "Tỷ lệ đồng bộ",
    **{t: f"Sai lệch: {MISMATCH_TYPE_LABELS[t]}" for t in schema.MISMATCH_TYPES},
}

QUARANTINE_HEADERS: Final[dict[str, str]] = {
    schema.SIDE: "Nguồn",
    schema.REF: "Vị trí",
    schema.SOURCE_FILE: "Tệp",
    schema.SOURCE_SHEET: "Trang tính",
    schema.SOURCE_ROW: "Dòng",
    schema.UNIT_CODE: "Mã đơn vị",
    schema.DOSSIER_CODE: "Mã hồ sơ",
    schema.REASONS: "Lý do",
    schema.RAW_VALUES: "Giá trị gốc",
    schema.SOURCE_SHA256: "SHA-256",
}

FILES_HEADERS: Final[dict[str, str]] = {
    FILE_SIDE: "Nguồn",
    FILE_NAME: "Tệp",
    FILE_SHEET: "Trang tính",
    FILE_ROWS_READ: "Số dòng đã đọc",
    FILE_STATUS: "Trạng thái",
    FILE_REASON: "Lý do",
    FILE_SHA256: "SHA-256",
}


def label(table: dict[str, str], code: object) -> str:
    """The Vietnamese label of a code, or the code itself when the table does not know it."""
    if code is None or (isinstance(code, float) and code != code):
        return ""
    return table.get(str(code), str(code))
