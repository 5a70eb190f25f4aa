from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration_words(value) -> str:
    """« 3 jours », « 5 heures », « moins d'une heure » for a timedelta."""
    if value is None:
        return ""
    hours = int(value.total_seconds() // 3600)
    if hours >= 48:
        days = round(value.total_seconds() / 86400)
        return ngettext("%(n)s jour", "%(n)s jours", days) % {"n": days}
    if hours >= 1:
        return ngettext("%(n)s heure", "%(n)s heures", hours) % {"n": hours}
    return ngettext("moins d'une heure", "moins d'une heure", 1)
