from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_magic_link(email: str, url: str, language: str) -> None:
    context = {
        "url": url,
        "site_name": settings.PARCOURS_SITE_NAME,
        "brand_name": settings.PARCOURS_BRAND_NAME,
        "minutes": settings.PARCOURS_MAGIC_LINK_MAX_AGE // 60,
    }
    with translation.override(language):
        subject = render_to_string("accounts/email/magic_link_subject.txt", context)
        body = render_to_string("accounts/email/magic_link_body.txt", context)
        html = render_to_string("accounts/email/magic_link_body.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), body, to=[email])
    message.attach_alternative(html, "text/html")
    message.send()
