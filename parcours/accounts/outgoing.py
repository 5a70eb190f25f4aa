"""The sign-in link email, an outbox handler (parcours.outbox)."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from parcours.outbox.services import outbox_handler

from .models import User


@outbox_handler
def magic_link_email(
    user_id: int, base_url: str, next_url: str, language: str, requested_at: str
) -> EmailMultiAlternatives | None:
    """The link is made here, when the email leaves, so the outbox row never holds a
    usable link. A request older than the link's lifetime is not answered any more: the
    person has asked again or given up."""
    from .services import magic_link_url

    user = User.objects.filter(pk=user_id, is_active=True).first()
    age = timezone.now() - datetime.datetime.fromisoformat(requested_at)
    if user is None or not user.email or age.total_seconds() > settings.PARCOURS_MAGIC_LINK_MAX_AGE:
        return None
    context = {
        "url": magic_link_url(user=user, base_url=base_url, next_url=next_url),
        "site_name": settings.PARCOURS_SITE_NAME,
        "brand_name": settings.PARCOURS_BRAND_NAME,
        "minutes": settings.PARCOURS_MAGIC_LINK_MAX_AGE // 60,
    }
    with translation.override(language):
        subject = render_to_string("accounts/email/magic_link_subject.txt", context)
        body = render_to_string("accounts/email/magic_link_body.txt", context)
        html = render_to_string("accounts/email/magic_link_body.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message
