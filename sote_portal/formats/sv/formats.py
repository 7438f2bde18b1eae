"""How Finland-Swedish writes months, dates, times and numbers (Svenska språkbyrån i
Finland): 5/2022, 10.6.2022, kl. 6.45, 1 234,5 (a narrow no-break space between thousands)."""

DATE_FORMAT = "j.n.Y"
SHORT_DATE_FORMAT = "j.n.Y"
YEAR_MONTH_FORMAT = "n/Y"
MONTH_DAY_FORMAT = "j.n."
TIME_FORMAT = r"\k\l. G.i"
DATETIME_FORMAT = r"j.n.Y \k\l. G.i"
SHORT_DATETIME_FORMAT = r"j.n.Y \k\l. G.i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H.%M", "%H:%M", "%H.%M.%S", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H.%M", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M",
                          "%Y-%m-%d"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
