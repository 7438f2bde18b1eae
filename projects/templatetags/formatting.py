"""The portal's one way of writing months, dates, times and numbers, for templates:
{{ report.period|month }} 5/2022, {{ deadline|day }} 10.6.2022, {{ event.at|moment }}
10.6.2022 klo 6.45, {{ value|number }} 1 234,5 (see projects.formatting)."""

from django import template

from projects import formatting

register = template.Library()


@register.filter
def month(value) -> str:
    return formatting.format_month(value) if value else ""


@register.filter
def day(value) -> str:
    return formatting.format_date(value) if value else ""


@register.filter
def moment(value) -> str:
    return formatting.format_datetime(value) if value else ""


@register.filter
def clock(value) -> str:
    return formatting.format_time(value) if value else ""


@register.filter
def number(value, decimal_places=None) -> str:
    if value is None or value == "":
        return "–"
    return formatting.format_number(value, None if decimal_places is None else int(decimal_places))
