"""Output formats: JSON (orjson), CSV, JSON-stat; `?format=json|csv|jsonstat` picks one.

List endpoints stream CSV themselves (see api.viewsets); the CSV renderer here writes the
small responses (one object) and the rows of a serialized chunk."""

import csv
import decimal
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

import orjson
from django.utils.functional import Promise
from rest_framework import renderers
from rest_framework.exceptions import ValidationError

from api.filters import UNKNOWN_VALUE
from projects.spreadsheets import neutralise_cell


def _default(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    raise TypeError


def dumps(data, *, indent: bool = False) -> bytes:
    option = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(data, default=_default, option=option)


class JSONRenderer(renderers.JSONRenderer):
    """JSON through orjson: several times faster than the standard library's encoder."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = bool(self.get_indent(accepted_media_type, renderer_context or {}))
        return dumps(data, indent=indent)


class JSONStatRenderer(renderers.BaseRenderer):
    """JSON-stat 2.0 (metric values only). The view builds the dataset; this renders it."""

    media_type = "application/json"
    format = "jsonstat"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else dumps(data)


class PDFRenderer(renderers.BaseRenderer):
    """Only names the media type of document downloads (they are FileResponses)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return dumps(data) if data is not None else b""


@dataclass(frozen=True)
class CSVDialect:
    """How a CSV is written. The default is RFC 4180 for R, Python and the like; `excel-fi`
    is what Finnish Excel opens by double-click: UTF-8 with a byte order mark (else Excel
    guesses Windows-1252), semicolons (the list separator of a Finnish Windows) and decimal
    commas in numbers. Both end lines in CRLF and neutralise formulas alike."""

    name: str
    delimiter: str = ","
    bom: bool = False
    decimal_comma: bool = False

    def number(self, value):
        """A non-integer number (float, Decimal) as this dialect writes it."""
        return str(value).replace(".", ",") if self.decimal_comma else value

    def start(self, text: bytes) -> bytes:
        """The first bytes of the body."""
        return b"\xef\xbb\xbf" + text if self.bom else text


DEFAULT_DIALECT = CSVDialect("")
DIALECTS = {"excel-fi": CSVDialect("excel-fi", delimiter=";", bom=True, decimal_comma=True)}


def csv_dialect(request) -> CSVDialect:
    """The dialect of `?dialect=` (empty or absent: the default); a 400 for another one."""
    name = request.query_params.get("dialect")
    if not name:
        return DEFAULT_DIALECT
    if name not in DIALECTS:
        raise ValidationError({"dialect": [str(UNKNOWN_VALUE) % {
            "value": name, "allowed": ", ".join(DIALECTS)}]})
    return DIALECTS[name]


def csv_cell(value, dialect: CSVDialect = DEFAULT_DIALECT):
    """A JSON value as a CSV cell: lists of scalars joined with |, nested objects as JSON;
    text a spreadsheet would run as a formula neutralised, numbers (Decimal money and
    values, ints) as they are (with the dialect's decimal separator)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | decimal.Decimal):
        return dialect.number(value)
    if isinstance(value, list):
        if all(isinstance(item, str | int | float) for item in value):
            return neutralise_cell("|".join(str(item) for item in value))
        return dumps(value).decode()
    if isinstance(value, dict):
        return dumps(value).decode()
    return neutralise_cell(value)


# RFC 4180 line ends. csv.writer quotes a field holding a line break only when the break is
# part of its line terminator: with "\n" alone a text holding a lone "\r" went out unquoted,
# and a spreadsheet starts a new row there, whose first cell may be a formula.
LINE_END = "\r\n"


class CSVBuffer(io.StringIO):
    def take(self) -> bytes:
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text.encode()


def csv_writer(buffer: io.StringIO, dialect: CSVDialect = DEFAULT_DIALECT):
    return csv.writer(buffer, delimiter=dialect.delimiter, lineterminator=LINE_END)


def csv_lines(fields: list[str], batches: Iterable[list[dict]],
              dialect: CSVDialect = DEFAULT_DIALECT) -> Iterator[bytes]:
    """A header and the rows of each batch of serialized dicts, one bytes chunk per batch."""
    buffer = CSVBuffer()
    writer = csv_writer(buffer, dialect)
    writer.writerow(fields)
    yield dialect.start(buffer.take())
    for batch in batches:
        writer.writerows([csv_cell(row.get(name), dialect) for name in fields] for row in batch)
        yield buffer.take()


def batched(iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data.get("results", [data]) if isinstance(data, dict) else list(data)
        fields = list(rows[0]) if rows else []
        request = (renderer_context or {}).get("request")
        dialect = csv_dialect(request) if request is not None else DEFAULT_DIALECT
        return b"".join(csv_lines(fields, [rows], dialect))
