from django import template

from reports.models import StatusLight

register = template.Library()


@register.filter
def light_label(light: str) -> str:
    """The status light's name in the user's language ('green' -> 'vihreä – etenee')."""
    try:
        return StatusLight(light).label
    except ValueError:
        return light
