"""Legacy Vietnamese encodings: TCVN3 (ABC, .VnTime fonts) and VNI-Windows (VNI fonts).

Text typed with these fonts is stored as single bytes that any Unicode program reads back as Latin-1
look-alikes: TCVN3 "§¨ng ký khai sinh" and VNI "Ñaêng kyù" both mean "Đăng ký …". Python has no
codec for either, so the tables are data (`doisoat/data/legacy_encodings.csv`: TCVN3 from glibc's
TCVN5712-1 charmap, VNI-Windows from the VNI font chart), each row naming its source.

`detect` decides per cell by letter statistics: a cell holding a letter only Unicode text has (ă, đ,
ơ, ư, ạ…) is Unicode; otherwise the cell is decoded under each hypothesis and the reading whose
words look most like Vietnamese (letters of the Vietnamese alphabet, at most one tone mark per
syllable, no stray symbols) wins, Unicode on a tie. Cells that read equally well either way ("Hoà"
is Unicode "Hoà" or VNI "Hồ") follow the column's majority. Work is done once per distinct value,
and only on cells holding characters a legacy encoding produces.
"""

from __future__ import annotations

import csv
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal, NamedTuple, get_args

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doisoat.sources.text import as_text_array, has_combining_marks, is_ascii, per_distinct, utf8_bytes

Encoding = Literal["tcvn3", "vni"]
Detected = Literal["tcvn3", "vni", "unicode"]
ENCODINGS: tuple[Encoding, ...] = get_args(Encoding)
UNICODE: Detected = "unicode"

_TABLE_FILE = "legacy_encodings.csv"

# Letters only Unicode Vietnamese text contains (never produced by a Latin-1 look-alike), and the
# combining marks of decomposed (NFD) text: a cell with one of them is Unicode.
_UNICODE_ONLY = "[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9\u0300-\u0303\u0309\u0323]"
# Characters a legacy encoding produces: C0 controls TCVN3 uses for capitals, Latin-1 supplement,
# and the Windows-1252 letters that stand for bytes 0x80-0x9F.
_CP1252_HIGH = "".join(ch for ch in bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
_SUSPECT = "[\x01-\x08\x0e-\x1b\u0080-\u00ff" + re.escape(_CP1252_HIGH) + "]"

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# A Vietnamese syllable without its tone mark: onset, vowel cluster (with glides), final consonant.
# Clusters ending in a glide or open diphthongs (ai, ao, eo, ia, ua, ươi…) take no final consonant
# ("keot" is no syllable).
_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_OPEN = ("uyu|uya|uây|uôi|ươi|ươu|oai|oay|oeo|iêu|yêu|ia|iu|ya|ao|au|ay|ai|âu|ây|eo|êu|oi|ôi|ơi"
         "|ua|ui|uơ|ưa|ưi|ưu")
_CLOSABLE = "oa|oă|oe|oo|uâ|uê|uy|[aăâeêioôơuưy]"
# Diphthongs that always close (with a consonant here, with a glide in _OPEN): "tiên", never "tiê".
_CLOSED = "uyê|iê|yê|uô|ươ"
_FINAL = "(?:ch|ng|nh|[cmnpt])"
_SYLLABLE = re.compile(f"{_ONSET}(?:{_OPEN}|(?:{_CLOSED}){_FINAL}|(?:{_CLOSABLE}){_FINAL}?)")
# An abbreviation of initials holding Đ ("ĐK", "HĐND", "QĐ"): capital consonants only (so a
# Latin-1 "PEÑA", VNI-decoded "PEĐA", is none).
_ABBREVIATION = re.compile("[BCDĐFGHJKLMNPQRSTVWXZ]{2,6}")
_TOKEN_SPLIT = re.compile(r"[\s!-/:-@\[-`{-~]+")
_AMBIGUOUS_SHARE = 0.5


def _vietnamese_letters() -> frozenset[str]:
    """The 134 precomposed Vietnamese letters with a diacritic (67 lower-case, 67 upper-case)."""
    letters: set[str] = set()
    for base in "aeiouy":
        for hat in ("", "\u0302", "\u0306", "\u031b"):
            if (hat == "\u0302" and base not in "aeo") or (hat == "\u0306" and base != "a") or (
                    hat == "\u031b" and base not in "ou"):
                continue
            for tone in ("", *sorted(_TONES)):
                if hat or tone:
                    letter = unicodedata.normalize("NFC", base + hat + tone)
                    letters.update((letter, letter.upper()))
    letters.update(("đ", "Đ"))
    return frozenset(letters)


VIETNAMESE_LETTERS = _vietnamese_letters()
_WORD_LETTERS = VIETNAMESE_LETTERS | frozenset(string.ascii_letters + string.digits)


@dataclass(frozen=True)
class _Table:
    """One encoding: legacy look-alike sequences ↔ Unicode letters."""

    decode_map: dict[str, str]
    encode_map: dict[str, str]
    pattern: re.Pattern[str]

    def decode(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.decode_map[m.group()], text)


def _lookalike(hex_bytes: str) -> str:
    return bytes.fromhex(hex_bytes).decode("latin-1")


@cache
def _tables() -> dict[str, _Table]:
    rows: dict[str, list[tuple[str, str]]] = {name: [] for name in ENCODINGS}
    with resources.files("doisoat.data").joinpath(_TABLE_FILE).open("r", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            rows[row["encoding"]].append((_lookalike(row["legacy_bytes"]), row["unicode"]))
    tables = {}
    for name, pairs in rows.items():
        encode_map = {uni: legacy for legacy, uni in pairs}
        decode_map = dict(pairs)
        for legacy, uni in pairs:
            if name == "tcvn3":  # the same byte as Windows-1252 shows it (0x80-0x9F)
                alias = legacy.encode("latin-1").decode("cp1252", errors="ignore")
                if alias and alias != legacy:
                    decode_map.setdefault(alias, uni)
            elif len(legacy) == 2:  # VNI: a mark byte typed in the other case than its base letter
                mark = legacy[1]
                other = mark.lower() if mark.isupper() else mark.upper()
                decode_map.setdefault(legacy[0] + other, uni)
        keys = sorted(decode_map, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(k) for k in keys))
        tables[name] = _Table(decode_map, encode_map, pattern)
    return tables


def _check(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {', '.join(ENCODINGS)}")


def encode(text: str, encoding: Encoding) -> str:
    """Unicode → the Latin-1 look-alike text a file typed with a .VnTime (TCVN3) or VNI font reads
    back as. Characters the encoding lacks pass through unchanged."""
    _check(encoding)
    encode_map = _tables()[encoding].encode_map
    return "".join(encode_map.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def _caps_cell(text: str) -> str:
    """.VnTimeH capitals reuse the lower-case codes: a cell whose plain letters (two or more) are all
    capitals is upper-cased whole ("§¡NG Ký KHAI SINH" → "ĐĂNG KÝ KHAI SINH")."""
    plain = [ch for ch in text if ch.isascii() and ch.isalpha()]
    return text.upper() if len(plain) >= 2 and all(ch.isupper() for ch in plain) else text


@lru_cache(maxsize=262_144)
def decode_text(text: str, encoding: Encoding) -> str:
    """One legacy cell decoded to NFC Unicode."""
    decoded = _tables()[encoding].decode(text)
    if encoding == "tcvn3":
        decoded = _caps_cell(decoded)
    return unicodedata.normalize("NFC", decoded)


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0]


def _tone_on_final_glide(word: str) -> bool:
    """A tone mark on a closing i / o / u / y after another vowel ("maõ", "haỉ"): Vietnamese puts it
    on the main vowel ("mão", "hải"); "uy" is the exception ("thuý")."""
    if len(word) < 2 or not any(ch in _TONES for ch in unicodedata.normalize("NFD", word[-1])):
        return False
    bases = "".join(_base(ch) for ch in word)
    if bases[:-1] in ("gi", "qu"):  # the i of "gi", the u of "qu" belong to the onset ("giờ", "quở")
        return False
    last = "".join(ch for ch in unicodedata.normalize("NFD", word[-1]) if ch not in _TONES)
    before = bases[-2]  # a closing glide is a plain i / o / u / y (the ơ of "thuở" is a main vowel)
    return last in ("i", "o", "u", "y") and before in "aeiouy" and (before, last) != ("u", "y")


def plausibility(text: str) -> int:
    """How Vietnamese the text looks: +1 per Vietnamese letter in a word that is a well-formed
    Vietnamese syllable (onset, vowel cluster, final; at most one tone mark), −2 per other word that
    holds a non-ASCII character. Plain ASCII words (codes, abbreviations, numbers) count nothing; an
    abbreviation of capitals holding Đ ("ĐK", "HĐND") counts +1 per Đ."""
    score = 0
    for token in _TOKEN_SPLIT.split(text):
        if token.isascii():
            continue
        if _is_abbreviation(token):
            score += token.count("Đ")
            continue
        if all(ch in _WORD_LETTERS for ch in token):
            marks = unicodedata.normalize("NFD", token.lower())
            toneless = unicodedata.normalize("NFC", "".join(ch for ch in marks if ch not in _TONES))
            if sum(ch in _TONES for ch in marks) <= 1 and _SYLLABLE.fullmatch(toneless) \
                    and not _tone_on_final_glide(token.lower()):
                score += sum(ch in VIETNAMESE_LETTERS for ch in token)
                continue
        score -= 2
    return score


class _Verdict(NamedTuple):
    """How a cell reads best; `tied`: the legacy readings that read as well as Unicode (the cell is
    ambiguous), `rivals`: the other legacy readings that read as well as a legacy `best`,
    `plausible`: whether the best readings look Vietnamese at all."""

    best: Detected
    tied: tuple[Detected, ...] = ()
    plausible: bool = True
    rivals: tuple[Detected, ...] = ()


@lru_cache(maxsize=262_144)
def _judge(text: str) -> _Verdict:
    """The verdict on one cell."""
    best: Detected = UNICODE
    best_score = plausibility(text)
    tied: tuple[Detected, ...] = ()
    rivals: tuple[Detected, ...] = ()
    for encoding in ENCODINGS:
        decoded = decode_text(text, encoding)
        if decoded == unicodedata.normalize("NFC", text):
            continue
        score = plausibility(decoded)
        if score > best_score:
            best, best_score, tied, rivals = encoding, score, (), ()
        elif score == best_score and best == UNICODE:
            tied = (*tied, encoding)
        elif score == best_score:
            rivals = (*rivals, encoding)
    if best != UNICODE and (best_score <= 1 or _abbreviations_only(decode_text(text, best))):
        # one Vietnamese letter ("Hé" = TCVN3 "Hộ", but also "½" = "ẵ", "Loïc" = "Lọc") or capitals
        # holding Đ alone ("ÑK" = VNI "ĐK", but also "CNN®", "§§ 3") cannot tell a legacy font from
        # Western text: such a cell follows its sheet rather than deciding it
        return _Verdict(UNICODE, (best, *rivals), True)
    return _Verdict(best, tied, best_score > 0, rivals)


def _is_abbreviation(word: str) -> bool:
    """An abbreviation of capitals holding Đ ("ĐK", "HĐND")."""
    return "Đ" in word and _ABBREVIATION.fullmatch(word) is not None


def _abbreviations_only(text: str) -> bool:
    """Every non-ASCII word of `text` is an abbreviation of capitals holding Đ."""
    words = [token for token in _TOKEN_SPLIT.split(text) if not token.isascii()]
    return bool(words) and all(_is_abbreviation(w) for w in words)


def _as_arrow(s: pd.Series) -> pa.Array:
    """The Series as an Arrow string array (non-text cells as their text, blanks null)."""
    values = pa.array(s.astype("str").array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(pa.string())


def _candidates(values: pa.Array) -> pa.Array:
    """Mask: cells that may be legacy text (legacy characters, no Unicode-only letter)."""
    suspect = pc.fill_null(pc.match_substring_regex(values, _SUSPECT), False)
    if not pc.any(suspect).as_py():
        return suspect
    unicode_only = pc.fill_null(pc.match_substring_regex(values, _UNICODE_ONLY), False)
    return pc.and_(suspect, pc.invert(unicode_only))


_Judged = dict[str, _Verdict]


class _Column(NamedTuple):
    """The candidate cells of a column (`mask`), their distinct texts and the verdict on each."""

    mask: pa.Array
    distinct: pa.Array
    judged: _Judged


def _judge_column(values: pa.Array) -> _Column | None:
    """Verdict per distinct candidate cell of a column; None without candidates."""
    mask = _candidates(values)
    if not pc.any(mask).as_py():
        return None
    distinct = pc.unique(pc.filter(values, mask))
    return _Column(mask, distinct, {text: _judge(text) for text in distinct.to_pylist()})


def _majority(verdicts: list[_Judged]) -> Detected | None:
    """The legacy encoding most clear-cut cells (of a column or a whole sheet) are in, when they are
    more than half of the clear-cut non-ASCII cells."""
    # a cell that reads as well in Unicode as in a legacy font and looks Vietnamese either way, or
    # as well in TCVN3 as in VNI, decides nothing; one that reads badly every way votes Unicode (a
    # "Björn" or "½" must not let one odd cell make a legacy majority of a Unicode column)
    decided = [
        v.best for judged in verdicts for v in judged.values()
        if not (v.tied and v.plausible) and not v.rivals
    ]
    votes = Counter(best for best in decided if best != UNICODE)
    if votes:
        encoding, count = votes.most_common(1)[0]
        if count > _AMBIGUOUS_SHARE * len(decided):
            return encoding
    return None


def _follow(verdict: _Verdict, majority: Detected | None) -> Detected:
    followed = majority is not None and (majority in verdict.tied or majority in verdict.rivals)
    return majority if followed and majority is not None else verdict.best


def _chosen(column: _Column, majority: Detected | None) -> list[Detected]:
    """The reading of each distinct candidate text. A tied cell (Unicode and legacy, or TCVN3 and
    VNI) follows `majority` (of its sheet) when its best readings look Vietnamese, else only its
    own column's majority: a typo'd VNI name "Deãim" (VNI "Dễim") or "Leâ Minh Ñt" (VNI "Lê Minh
    Đt", TCVN3 "Leõ Minh ẹt") in a VNI column is VNI, a "Raúl" in a Unicode column stays."""
    own = _majority([column.judged])
    return [_follow(v, majority if v.plausible else own) for v in column.judged.values()]


def _spread(values: pa.Array, column: _Column, per_distinct: pa.Array, fill: pa.Array) -> pa.Array:
    """`fill` with each candidate cell replaced by the `per_distinct` entry of its text."""
    at = pc.index_in(pc.filter(values, column.mask), value_set=column.distinct)
    return pc.replace_with_mask(fill, column.mask, pc.take(per_distinct, at))


def _detect_array(values: pa.Array) -> pa.Array:
    labels = pa.repeat(pa.scalar(UNICODE, pa.string()), len(values))
    column = _judge_column(values)
    if column is None:
        return labels
    return _spread(values, column, pa.array(_chosen(column, _majority([column.judged])), pa.string()), labels)


def detect(s: pd.Series) -> pd.Series:
    """Per cell: "tcvn3", "vni" or "unicode" (blank cells: "unicode")."""
    return _as_series(_detect_array(_as_arrow(s)), s)


def decode_series(s: pd.Series, encoding: Encoding) -> pd.Series:
    """Every non-blank cell decoded from `encoding` (no detection): for a column known to be legacy."""
    _check(encoding)
    return _map_cells(s, lambda text: decode_text(text, encoding))


def _map_cells(s: pd.Series, func: Callable[[str], str]) -> pd.Series:
    out = s.astype("str")
    present = s.notna()
    if present.any():
        values = out[present]
        uniques = pd.unique(values)
        mapping = {value: func(value) for value in uniques}
        out.loc[present] = values.map(mapping)
    return out


# Latin-1 letters Unicode Vietnamese uses (second UTF-8 byte after 0xC3); other 0xC3 characters
# (å, ø, ü, Ñ…) and every 0xC2 character but NBSP are what a legacy encoding writes, never Vietnamese.
_VIET_C3 = np.zeros(256, bool)
_VIET_C3[[ord(ch) - 0x40 for ch in "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý"]] = True
_CONTROL = np.zeros(256, bool)
_CONTROL_END = 0x1C
_CONTROL[[*range(0x01, 0x09), *range(0x0E, _CONTROL_END)]] = True


def _c3(chars: str) -> list[int]:
    return [ord(ch) - 0xC0 + 0x80 for ch in chars]


# VNI base letter + mark character pairs that Unicode Vietnamese never writes (unlike o + à/á/ã:
# Unicode "hoà", "hoá"; u + â/ê: "quân", "thuê"; i + ê: "tiên").
_VNI_PAIRS = np.zeros((256, 256), bool)
for _bases, _marks in (("aeouyAEOUY", "ÙùÕõ"), ("aeoAEO", "Ââ"), ("aeAE", "ÀàÁáÃã"), ("aA", "ÊêÉéÈèÚú")):
    _VNI_PAIRS[np.ix_(list(_bases.encode()), _c3(_marks))] = True
_VNI_TONES = np.zeros(256, bool)
_VNI_TONES[_c3("ÙùÕõ")] = True


def may_hold_legacy(values: pa.Array) -> bool:
    """Cheap whole-column screen (a few passes over the UTF-8 bytes): False when no cell can be
    legacy text, i.e. no control character, no Latin-1 symbol or non-Vietnamese Latin-1 letter and
    no VNI vowel + mark pair."""
    raw, _ = utf8_bytes(values)
    if len(raw) < 2:
        return False
    if int(raw.min()) < _CONTROL_END and _CONTROL[raw[raw < _CONTROL_END]].any():
        return True
    if is_ascii(raw):
        return False
    leads = np.flatnonzero((raw[:-1] & 0xFE) == 0xC2)  # 0xC2 or 0xC3: U+0080-U+00FF
    if not len(leads):
        return False
    second = raw[leads + 1]
    is_c3 = raw[leads] == 0xC3
    if np.any(~is_c3 & (second != 0xA0)) or np.any(is_c3 & ~_VIET_C3[second]):
        return True
    c3 = leads[is_c3 & (leads > 0)]
    if np.any(_VNI_PAIRS[raw[c3 - 1], raw[c3 + 1]]):
        return True
    # "ôù" (VNI ớ): ô followed by a tone mark character, never seen in Unicode text
    o_hat = leads[is_c3 & np.isin(second, (0xB4, 0x94)) & (leads + 3 < len(raw))]
    return bool(np.any((raw[o_hat + 2] == 0xC3) & _VNI_TONES[raw[o_hat + 3]]))


def _nfc(values: pa.Array) -> pa.Array:
    if has_combining_marks(utf8_bytes(values)[0]):
        return pc.utf8_normalize(values, "NFC")
    return values


def repair_array(values: pa.Array) -> pa.Array:
    """`repair` on an Arrow string array: legacy cells decoded, every cell NFC. Columns that pass
    the byte screen (`may_hold_legacy`) are only normalised. A column repeating few values is
    repaired once per distinct value (verdicts are per distinct text anyway)."""
    return per_distinct(lambda distinct: repair_columns([distinct])[0], as_text_array(values))


def repair_columns(columns: list[pa.Array]) -> list[pa.Array]:
    """`repair` of the columns of one sheet: cells that read equally well as Unicode and as legacy
    text follow the sheet's majority (a header "Maõ hoà sô" is VNI when the sheet is)."""
    columns = [as_text_array(column) for column in columns]
    judged = [_judge_column(column) if may_hold_legacy(column) else None for column in columns]
    majority = _majority([column.judged for column in judged if column is not None])
    out = []
    for values, column in zip(columns, judged, strict=True):
        if column is not None:
            readings = _chosen(column, majority)
            if any(reading != UNICODE for reading in readings):  # decoded once per distinct text
                fixed = [text if reading == UNICODE else decode_text(text, reading)
                         for text, reading in zip(column.judged, readings, strict=True)]
                values = _spread(values, column, pa.array(fixed, pa.string()), values)
        out.append(_nfc(values))
    return out


def repair_lines(lines: list[str]) -> list[str]:
    """`repair` of a list of strings."""
    return [line or "" for line in repair_array(pa.array(lines, pa.string())).to_pylist()]


def repair(s: pd.Series) -> pd.Series:
    """Detect per cell, decode the legacy cells, NFC everything; blanks stay missing."""
    return _as_series(repair_array(_as_arrow(s)), s)


def _as_series(values: pa.Array, like: pd.Series) -> pd.Series:
    """A str Series with the index and name of `like`."""
    return values.to_pandas().astype("str").set_axis(like.index).rename(like.name)
