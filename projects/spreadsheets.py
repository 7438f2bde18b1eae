"""Cells a spreadsheet will not run: the defence against CSV and formula injection (OWASP).

Excel, LibreOffice and Google Sheets read a cell whose text begins with `=`, `+`, `-` or `@`
as a formula (a tab or carriage return in front is skipped), so a comment such as
`=HYPERLINK("http://…"&A1)` in an export would run on the reader's machine. Every writer of
a CSV or workbook passes its text cells through here. The decision is made on the value's
type: a number (int, float, Decimal) is written as a number, so `-5` stays `-5`; only text
is prefixed."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    """Is this a text a spreadsheet would read as a formula?"""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise_cell(value):
    """A CSV cell as a spreadsheet shows it but never runs it: text that would be read as a
    formula gets a leading `'`; any other value (numbers, None, other text) is returned as
    it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
