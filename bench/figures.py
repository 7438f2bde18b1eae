from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    note: str = ""
