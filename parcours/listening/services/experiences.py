"""Public experiences: told by a citizen, moderated, published, answered by the service.

A signed-in citizen's experience is moderated at once; an anonymous visitor's waits
for the confirmation of their email address (a single-use link, valid
``CONFIRMATION_VALID_DAYS`` days). Moderation masks personal data and holds a text
with an insult for a moderator (``parcours.listening.moderation``).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from parcours.organisations import permissions
from parcours.organisations.enums import AgentRole
from parcours.organisations.models import Agent, Unit
from parcours.outbox.services import outbox_put

from .. import tokens
from ..enums import ExperienceStatus
from ..errors import ListeningError
from ..models import Experience
from ..moderation import mask_personal_data, moderate

CONFIRMATION_VALID_DAYS = 7
LINK_SALT = "parcours.listening.experience"


def known_names(*, organisation_id: int, user=None, extra=()) -> list[str]:
    """The names to mask in a text about ``organisation_id``: its agents' (full and
    family names) and the author's own."""
    names = list(extra)
    for first, last in Agent.objects.filter(organisation_id=organisation_id).values_list(
        "user__first_name", "user__last_name"
    ):
        names += [f"{first} {last}", last]
    if user is not None and getattr(user, "is_authenticated", False):
        names += [user.get_full_name(), user.last_name]
        for person in user.people.all():
            names += [person.full_name, person.family_name, person.usual_name]
    return [name for name in names if name and len(name.strip()) >= 2]


def _apply_moderation(experience: Experience, *, user=None, now=None) -> None:
    now = now or timezone.now()
    names = known_names(organisation_id=experience.organisation_id, user=user)
    body = moderate(experience.body, names=names)
    title = moderate(experience.title, names=names)
    pseudonym = moderate(experience.pseudonym, names=names)
    experience.public_body = body.text
    experience.public_title = title.text
    experience.pseudonym = pseudonym.text
    experience.masked = body.masked + title.masked + pseudonym.masked
    experience.held_words = list(
        dict.fromkeys(body.held_words + title.held_words + pseudonym.held_words)
    )
    if experience.held_words:
        experience.status = ExperienceStatus.HELD
    else:
        experience.status = ExperienceStatus.PUBLISHED
        experience.published_at = now


def experience_submit(
    *,
    unit: Unit,
    procedure=None,
    channel: str,
    tone: str,
    title: str,
    body: str,
    pseudonym: str = "",
    happened_on: datetime.date | None = None,
    user=None,
    email: str = "",
    now: datetime.datetime | None = None,
) -> Experience:
    """Record an experience. Signed in: moderated now. Otherwise a confirmation link is
    sent to ``email`` and nothing is published before it is followed."""
    now = now or timezone.now()
    if procedure is not None and procedure.organisation_id != unit.organisation_id:
        raise ListeningError(
            _("Cette démarche ne relève pas de l'administration de ce service."),
            field="procedure",
        )
    if happened_on is not None and happened_on > timezone.localdate(now):
        raise ListeningError(
            _("La date de l'expérience ne peut pas être à venir."), field="happened_on"
        )
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if not signed_in and not email:
        raise ListeningError(
            _("Indiquez votre adresse électronique : nous vous enverrons un lien pour confirmer."),
            field="email",
        )
    experience = Experience(
        organisation_id=unit.organisation_id,
        unit=unit,
        procedure=procedure,
        channel=channel,
        tone=tone,
        title=title.strip(),
        body=body.strip(),
        pseudonym=pseudonym.strip(),
        happened_on=happened_on,
        author_user=user if signed_in else None,
        author_email=(user.email if signed_in else email).strip(),
        author_language=(get_language() or settings.LANGUAGE_CODE)[:2],
    )
    with transaction.atomic():
        if signed_in:
            _apply_moderation(experience, user=user, now=now)
        else:
            experience.status = ExperienceStatus.AWAITING_CONFIRMATION
            experience.confirmation_nonce = tokens.new_nonce()
        experience.save()
        if not signed_in:
            from ..outgoing import experience_confirmation_email

            outbox_put(
                handler=experience_confirmation_email,
                key=f"experience:{experience.pk}:confirmation",
                experience_id=experience.pk,
            )
    return experience


def confirmation_url(experience: Experience) -> str:
    token = tokens.make_token(
        salt=LINK_SALT, public_id=experience.public_id, nonce=experience.confirmation_nonce
    )
    return settings.PARCOURS_BASE_URL + reverse("portal:experience_confirm", args=[token])


def experience_for_token(token: str) -> Experience | None:
    """The experience a confirmation link names, or None when we did not sign it."""
    from django.core.exceptions import ValidationError

    try:
        public_id = tokens.token_public_id(token, salt=LINK_SALT)
    except tokens.BadToken:
        return None
    try:
        return Experience.objects.select_related("organisation").filter(public_id=public_id).first()
    except ValidationError:
        return None


def experience_confirm(*, experience: Experience, token: str, now=None) -> Experience:
    """The author followed the link: the experience is moderated (published or held)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Experience.objects.select_for_update().get(pk=experience.pk)
        if locked.status != ExperienceStatus.AWAITING_CONFIRMATION:
            raise ListeningError(_("Cette expérience est déjà confirmée. Merci !"))
        try:
            tokens.check_token(
                token,
                salt=LINK_SALT,
                public_id=locked.public_id,
                nonce=locked.confirmation_nonce,
                max_age=datetime.timedelta(days=CONFIRMATION_VALID_DAYS),
            )
        except tokens.BadToken as error:
            if error.reason == "expired":
                raise ListeningError(
                    _("Ce lien a expiré : racontez à nouveau votre expérience, s'il vous plaît.")
                ) from error
            raise ListeningError(_("Ce lien de confirmation n'est pas valable.")) from error
        locked.confirmation_nonce = ""
        _apply_moderation(locked, now=now)
        locked.save()
    return locked


def may_moderate(agent: Agent | None, experience: Experience) -> bool:
    """The managers of the unit concerned, and the organisation's administrators."""
    if not permissions.is_manager(agent) or agent.organisation_id != experience.organisation_id:
        return False
    if experience.unit_id is None:
        return agent.role == AgentRole.ORGANISATION_ADMIN
    return permissions.may_manage(agent, experience.unit)


def may_reply(agent: Agent | None, experience: Experience) -> bool:
    """An agent of the service concerned, or a manager of the organisation."""
    if (
        not permissions.uses_backoffice(agent)
        or agent.organisation_id != experience.organisation_id
    ):
        return False
    if may_moderate(agent, experience):
        return True
    return experience.unit_id is not None and permissions.may_handle(agent, experience.unit)


def experience_moderate(
    *,
    experience: Experience,
    by: Agent,
    publish: bool,
    public_body: str = "",
    note: str = "",
    now=None,
) -> Experience:
    """A moderator publishes a held experience (possibly with a reworded text, masked
    again) or refuses it with a reason."""
    now = now or timezone.now()
    if not may_moderate(by, experience):
        raise ListeningError(
            _("Seuls les responsables du service concerné modèrent ses expériences.")
        )
    if experience.status != ExperienceStatus.HELD:
        raise ListeningError(_("Cette expérience n'attend pas de modération."))
    if not publish and not note.strip():
        raise ListeningError(
            _("Indiquez pourquoi cette expérience n'est pas publiée."), field="note"
        )
    experience.moderated_by = by.user
    experience.moderated_at = now
    experience.moderation_note = note.strip()
    if publish:
        text = public_body.strip() or experience.public_body
        names = known_names(organisation_id=experience.organisation_id, user=experience.author_user)
        masked = mask_personal_data(text, names=names)
        experience.public_body = masked.text
        experience.masked = experience.masked + masked.masked
        experience.status = ExperienceStatus.PUBLISHED
        experience.published_at = now
    else:
        experience.status = ExperienceStatus.REJECTED
    experience.save()
    return experience


def experience_reply(*, experience: Experience, by: Agent, reply: str, now=None) -> Experience:
    """The service answers in public; the author is told by email."""
    now = now or timezone.now()
    if not may_reply(by, experience):
        raise ListeningError(_("Seuls les agents du service concerné peuvent répondre."))
    if experience.status != ExperienceStatus.PUBLISHED:
        raise ListeningError(_("On ne répond qu'à une expérience publiée."))
    reply = reply.strip()
    if not reply:
        raise ListeningError(_("Écrivez la réponse du service."), field="reply")
    first_reply = experience.replied_at is None
    experience.reply = mask_personal_data(
        reply,
        names=known_names(organisation_id=experience.organisation_id, user=experience.author_user),
    ).text
    experience.replied_at = experience.replied_at or now
    experience.replied_by = by
    experience.reply_signature = (experience.unit or experience.organisation).name
    with transaction.atomic():
        experience.save(update_fields=["reply", "replied_at", "replied_by", "reply_signature"])
        if first_reply:
            from ..outgoing import experience_reply_email

            outbox_put(
                handler=experience_reply_email,
                key=f"experience:{experience.pk}:reply",
                experience_id=experience.pk,
            )
    return experience
