from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    note: str = ""


@dataclass
class Comparison:
    """One page at several national sizes (keys: the number of synthetic projects): its
    median milliseconds, of which in SQL, and its number of queries."""

    name: str
    ms: dict[int, float]
    sql_ms: dict[int, float]
    queries: dict[int, int]
