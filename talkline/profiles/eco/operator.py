"""Operator data files: bulky-waste fees, drop-off points and recyclable prices, as CSV tables.

The columns follow the Korean public data portal (공공데이터포털) where a national standard exists
(전국대형폐기물정보표준데이터 for fees) and the portal's conventions elsewhere (Korean column names,
WGS84 위도/경도, 데이터기준일자); docs/eco-data.md describes every column. Files may be UTF-8
(with or without BOM) or CP949, as the portal serves them. A deployment names its files with
`TALKLINE_ECO_BULK_FEES_FILE`, `TALKLINE_ECO_CENTERS_FILE` and `TALKLINE_ECO_PRICES_FILE`; without
them the bundled samples are used, and every answer built on a sample says so.

Files are read once at start; a bad file stops the start with an `EcoDataError` naming the file,
the line and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from talkline.profiles.eco.knowledge import DATA_DIR

SAMPLE_DIR = DATA_DIR / "operator"
SAMPLES = {"bulk_fees": SAMPLE_DIR / "bulk_fees.sample.csv", "centers": SAMPLE_DIR / "centers.sample.csv",
           "prices": SAMPLE_DIR / "prices.sample.csv"}
ENCODINGS = ("utf-8-sig", "cp949")


class EcoDataError(ValueError):
    """An operator data file that cannot be used, with the file, line and column at fault."""


class EcoDataSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALKLINE_ECO_", env_file=".env", extra="ignore")

    bulk_fees_file: Path | None = None
    centers_file: Path | None = None
    prices_file: Path | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a table came from; `sample` when it is the bundled sample rather than operator data."""

    path: Path
    sample: bool

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # 1-based line in the file, for error messages
    values: dict[str, str]

    def text(self, column: str) -> str:
        return self.values.get(column, "").strip()


def source_for(kind: str, configured: Path | None = None) -> Source:
    """The operator's file for `kind` if configured (argument, else settings), else the bundled sample."""
    settings = EcoDataSettings()
    path = configured or getattr(settings, f"{kind}_file")
    if path is None:
        return Source(SAMPLES[kind], sample=True)
    return Source(Path(path), sample=Path(path).resolve() == SAMPLES[kind].resolve())


def read_table(source: Source, required: Sequence[str]) -> list[Row]:
    """The rows of a CSV file with at least the `required` columns; blank lines are skipped."""
    text = _decode(source.path)
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if missing := [column for column in required if column not in header]:
        raise EcoDataError(f"{source.path}: missing columns {', '.join(missing)} (has: {', '.join(header) or 'none'})")
    rows: list[Row] = []
    for record in reader:
        values = {(key or "").strip(): (value or "") for key, value in record.items() if key is not None}
        if any(value.strip() for value in values.values()):
            rows.append(Row(reader.line_num, values))
    if not rows:
        raise EcoDataError(f"{source.path}: no data rows")
    return rows


def number(source: Source, row: Row, column: str, *, minimum: float | None = None,
           maximum: float | None = None) -> float:
    raw = row.text(column).replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        raise EcoDataError(f"{source.path} line {row.line}: {column} {raw!r} is not a number") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise EcoDataError(f"{source.path} line {row.line}: {column} {raw} is outside {minimum}..{maximum}")
    return value


def required_text(source: Source, row: Row, column: str) -> str:
    value = row.text(column)
    if not value:
        raise EcoDataError(f"{source.path} line {row.line}: {column} is empty")
    return value


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EcoDataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EcoDataError(f"{path}: not UTF-8 or CP949 text")
