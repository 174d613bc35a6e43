"""Reading an import file into a frame of strings, with the physical line of every row.

Everything the file holds arrives as text (`infer_schema=False`); typing happens later in
Polars expressions. A file that cannot be read at all (missing, a directory, too big, empty,
binary, not UTF-8, malformed JSON, ragged CSV rows) raises InputError naming the line.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from dealplan.errors import InputError
from dealplan.io import csv_records
from dealplan.io.problems import Problem, clip, fail, fail_one

BOM = b"\xef\xbb\xbf"
SEPARATORS = (",", ";", "\t", "|")
# Leading bytes of files people pick by mistake, and what they are.
SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?); save the sheet as CSV UTF-8"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook; save the sheet as CSV UTF-8"),
    (b"%PDF", "a PDF document, not CSV or JSON"),
    (b"\xff\xfe", "UTF-16 text; re-save the file as UTF-8 (Excel: Save As, CSV UTF-8)"),
    (b"\xfe\xff", "UTF-16 text; re-save the file as UTF-8 (Excel: Save As, CSV UTF-8)"),
)


@dataclass
class Source:
    """A file's records as strings: column `c0..cN` of `frame` is `columns[i]` of the file.

    `frame` has a `__row` column (0-based record index) and no blank rows. `document` is set
    (and `frame` empty) when the file is a dealplan workspace document.
    """

    path: Path
    label: str
    format: str
    columns: list[str]
    frame: pl.DataFrame
    document: dict[str, Any] | None = None
    separator: str = ","
    _lines: pl.Series | None = None
    _text: str = ""
    _keys: list[str] = field(default_factory=list, repr=False)
    _json_starts: list[int] | None = field(default=None, repr=False)
    _newlines: list[int] | None = field(default=None, repr=False)

    def key(self, index: int) -> str:
        """The frame column holding the file's column `index`."""
        return f"c{index}"

    def locate(self, row: int, index: int | None) -> tuple[int, int]:
        """Physical (line, column) of the file's column `index` in record `row`.

        CSV: the line where the record starts and the column's position in the header
        (1 = first). JSON: the line and character column of the key in that object.
        `index` None: where the record starts.
        """
        if self._lines is not None:
            return int(self._lines[row]), 1 if index is None else index + 1
        return self._json_locate(row, None if index is None else self._keys[index])

    def _json_locate(self, row: int, column: str | None) -> tuple[int, int]:
        if self._json_starts is None:
            self._json_starts = _json_record_starts(self._text)
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        start = self._json_starts[row]
        end = self._json_starts[row + 1] if row + 1 < len(self._json_starts) else len(self._text)
        offset = start
        if column is not None:
            key = re.compile(re.escape(json.dumps(column, ensure_ascii=False)) + r"\s*:")
            found = key.search(self._text, start, end)
            offset = found.start() if found else start
        return self._position(offset)

    def _position(self, offset: int) -> tuple[int, int]:
        newlines = self._newlines or []
        line = bisect.bisect_left(newlines, offset)
        line_start = newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start + 1


def read(path: Path, label: str, *, max_mb: int) -> Source:
    """Read `path` (CSV or JSON, chosen by extension, else by content) as a Source."""
    raw = _read_bytes(path, label, max_mb=max_mb)
    text = _decode(raw, label)
    if not text or text.isspace():
        raise fail_one(label, 1, 1, "the file is empty: expected a header line and data rows")
    first = text[:4096].lstrip()[:1]
    if path.suffix.lower() == ".json" or (path.suffix.lower() != ".csv" and first in "[{"):
        return _read_json(path, label, text)
    return _read_csv(path, label, raw.removeprefix(BOM), text)


def _read_bytes(path: Path, label: str, *, max_mb: int) -> bytes:
    if not path.exists():
        raise InputError(f"{label}: no such file")
    if path.is_dir():
        raise InputError(f"{label}: is a directory, not a CSV or JSON file")
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise InputError(
            f"{label}: the file is {size / 1024 / 1024:,.1f} MB, over the import limit of "
            f"{max_mb:,} MB (set DEALPLAN_MAX_IMPORT_MB to raise it, or split the file)"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{label}: cannot be read: {exc.strerror}") from None
    for magic, what in SIGNATURES:
        if raw.startswith(magic):
            raise fail_one(label, 1, 1, f"this is {what}")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        raise fail_one(
            label, line, col, "this looks like a binary file, not CSV or JSON (it holds NUL bytes)"
        )
    return raw


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    return line, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


def _decode(raw: bytes, label: str) -> str:
    try:
        return raw.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        skip = len(BOM) if raw.startswith(BOM) else 0
        line, col = _byte_position(raw, exc.start + skip)
        bad = raw[exc.start + skip]
        raise fail_one(
            label,
            line,
            col,
            f"the file is not UTF-8 text (byte 0x{bad:02x} at byte {col} of line {line}); "
            "re-save it as UTF-8 (Excel: Save As, 'CSV UTF-8'; other tools: encoding UTF-8)",
        ) from None


def _read_csv(path: Path, label: str, raw: bytes, text: str) -> Source:
    header_line = text[: text.find("\n")] if "\n" in text else text
    if not header_line.strip():
        raise fail_one(label, 1, 1, "the first line is blank; the header must be on line 1")
    separator = _separator(header_line)
    records = csv_records.split(raw, separator)
    if records.unclosed_line is not None:
        raise fail_one(
            label,
            records.unclosed_line,
            1,
            'a quoted field starting on this line is never closed (a lone " character)',
        )
    header = next(csv.reader([records.header_text], delimiter=separator))
    columns = [h.strip() for h in header]
    _check_header(label, columns)
    data = records.frame.slice(1)
    if data.filter(~pl.col("blank")).height == 0:
        raise fail_one(
            label, 1, 1, f"the file has a header ({clip(', '.join(columns))}) but no data rows"
        )
    ragged = data.filter(~pl.col("blank") & (pl.col("fields") != len(columns)))
    if ragged.height:
        raise fail(
            label,
            [
                Problem(
                    line,
                    1,
                    f"this row has {fields} field{'s' if fields != 1 else ''} but the header "
                    f"has {len(columns)}; check for a missing or extra {_name(separator)} "
                    "or an unquoted value containing one",
                )
                for line, fields in ragged.select("line", "fields").iter_rows()
            ],
        )
    frame = _polars_csv(label, raw, text, separator, len(columns), records)
    lines = data.get_column("line")
    keep = ~data.get_column("blank")
    frame = frame.with_row_index("__row").filter(keep)
    return Source(path, label, "csv", columns, frame, separator=separator, _lines=lines)


def _name(separator: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[separator]


def _separator(header_line: str) -> str:
    """The separator that splits the header into the most fields (comma on a tie)."""
    counts = [len(next(csv.reader([header_line], delimiter=s))) for s in SEPARATORS]
    return SEPARATORS[counts.index(max(counts))]


def _check_header(label: str, columns: list[str]) -> None:
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(columns, start=1):
        if not name:
            continue
        key = name.casefold()
        if key in seen:
            problems.append(
                Problem(1, i, f'column "{clip(name)}" appears twice (columns {seen[key]} and {i})')
            )
        seen.setdefault(key, i)
    if problems:
        raise fail(label, problems)


def _polars_csv(
    label: str, raw: bytes, text: str, separator: str, width: int, records: csv_records.Records
) -> pl.DataFrame:
    try:
        frame = pl.read_csv(
            raw,
            separator=separator,
            has_header=True,
            new_columns=[f"c{i}" for i in range(width)],
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        line = csv_records.stray_quote_line(text, separator)
        where = (line, 1) if line is not None else (1, 1)
        reason = (
            'a " inside an unquoted value; quote the whole value and double the inner quote ("")'
            if line is not None
            else f"the CSV cannot be parsed: {clip(str(exc).splitlines()[0], 200)}"
        )
        raise fail_one(label, where[0], where[1], reason) from None
    if frame.height != records.frame.height - 1:
        raise fail_one(
            label,
            1,
            1,
            f"the CSV reader found {frame.height:,} rows where the file has "
            f"{records.frame.height - 1:,} records; check the quoting in the file",
        )
    # Cells are stripped of surrounding spaces; an empty cell is no value.
    return frame.with_columns(
        pl.all().str.strip_chars().replace("", None).name.keep(),
    )


def _read_json(path: Path, label: str, text: str) -> Source:
    from dealplan.workspace.exchange import is_workspace_document

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail_one(label, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}") from None
    if is_workspace_document(data):
        return Source(path, label, "json", [], pl.DataFrame(), document=data, _text=text)
    if not isinstance(data, list):
        what = "an object" if isinstance(data, dict) else f"a {type(data).__name__}"
        raise fail_one(
            label,
            1,
            1,
            f"expected a JSON array of objects ([{{...}}, {{...}}]) but the file holds {what}",
        )
    if not data:
        raise fail_one(label, 1, 1, "the JSON array is empty: there are no records to import")
    source = Source(path, label, "json", [], pl.DataFrame(), _text=text)
    if not all(isinstance(r, dict) for r in data):
        raise fail(label, _json_shape_problems(source, data))
    columns = list(dict.fromkeys(itertools.chain.from_iterable(data)))
    try:
        frame = pl.from_dicts(data, schema={c: pl.String for c in columns})
    except (pl.exceptions.PolarsError, TypeError, ValueError):
        raise fail(label, _json_shape_problems(source, data)) from None
    source.columns = [c.strip() for c in columns]
    source._keys = columns
    _check_header(label, source.columns)
    source.frame = (
        frame.rename({c: f"c{i}" for i, c in enumerate(columns)})
        .with_columns(pl.all().str.strip_chars().replace("", None).name.keep())
        .with_row_index("__row")
    )
    return source


_JSON_TYPES: dict[type, str] = {
    int: "a number",
    float: "a number",
    str: "text",
    bool: "true/false",
    list: "an array",
    type(None): "null",
}


def _json_shape_problems(source: Source, data: list[Any]) -> list[Problem]:
    """Where the records are not flat objects of text, numbers, booleans and nulls."""
    problems = []
    for row, record in enumerate(data):
        if not isinstance(record, dict):
            line, col = source._json_locate(row, None)
            what = _JSON_TYPES.get(type(record), type(record).__name__)
            problems.append(Problem(line, col, f"record {row + 1} is {what}, not an object"))
            continue
        for key, value in record.items():
            if isinstance(value, dict | list):
                line, col = source._json_locate(row, key)
                what = "an object" if isinstance(value, dict) else "an array"
                problems.append(
                    Problem(
                        line,
                        col,
                        f'"{clip(key)}" is {what}; expected text, a number, true/false or null',
                    )
                )
    return problems


def _json_record_starts(text: str) -> list[int]:
    """Offsets where each element of the top-level JSON array starts (error path only)."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    i = text.index("[") + 1
    starts: list[int] = []
    while True:
        i = ws.match(text, i).end()  # type: ignore[union-attr]
        if i >= len(text) or text[i] == "]":
            return starts
        starts.append(i)
        _, i = decoder.raw_decode(text, i)
