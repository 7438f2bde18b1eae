"""Natural ordering of the codes plans use ("1.2" before "1.10", "A.2" before "A.10")."""

import re

_RUN = re.compile(r"(\d+)|(\D+)")


def natural_sort_key(code: str) -> str:
    """A string that sorts like the code reads: digit runs zero-padded, letters upper-cased.

    Stored in a column beside the code so the database can order by it."""
    parts = []
    for digits, text in _RUN.findall(code.strip()):
        parts.append(digits.zfill(8) if digits else text.upper())
    return "".join(parts)[:100]
