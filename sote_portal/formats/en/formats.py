"""The portal's English keeps the Finnish numeric forms of months and dates (5/2022,
10.6.2022) so that every language shows the same figures; times as 6:45."""

DATE_FORMAT = "j.n.Y"
SHORT_DATE_FORMAT = "j.n.Y"
YEAR_MONTH_FORMAT = "n/Y"
MONTH_DAY_FORMAT = "j.n."
TIME_FORMAT = "G:i"
DATETIME_FORMAT = "j.n.Y G:i"
SHORT_DATETIME_FORMAT = "j.n.Y G:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
