"""Output formats: JSON (orjson), CSV, JSON-stat; `?format=json|csv|jsonstat` picks one.

List endpoints stream CSV themselves (see api.viewsets); the CSV renderer here writes the
small responses (one object) and the rows of a serialized chunk."""

import csv
import decimal
import io
from collections.abc import Iterable, Iterator
from itertools import islice

import orjson
from django.utils.functional import Promise
from rest_framework import renderers

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


def csv_cell(value):
    """A JSON value as a CSV cell: lists of scalars joined with |, nested objects as JSON;
    text a spreadsheet would run as a formula neutralised, numbers (Decimal money and
    values, ints) as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
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


def csv_lines(fields: list[str], batches: Iterable[list[dict]]) -> Iterator[bytes]:
    """A header and the rows of each batch of serialized dicts, one bytes chunk per batch."""
    buffer = CSVBuffer()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(fields)
    yield buffer.take()
    for batch in batches:
        writer.writerows([csv_cell(row.get(name)) for name in fields] for row in batch)
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
        return b"".join(csv_lines(fields, [rows]))
