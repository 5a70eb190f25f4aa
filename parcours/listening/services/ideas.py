"""Co-construction: ideas to improve procedures, supported, commented and answered.

Ideas and comments are moderated like experiences (personal data masked, insults
held for a moderator). One support per person; the service answers each idea with a
status, and a declined idea always carries its reason. Supporters and the author are
told of each change of status.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.organisations import permissions
from parcours.organisations.models import Agent, Organisation
from parcours.organisations.selectors import agent_for
from parcours.outbox.services import outbox_put

from ..enums import AuthorKind, IdeaStatus
from ..errors import ListeningError
from ..models import Idea, IdeaComment, IdeaStatusChange, IdeaSupport
from ..moderation import moderate
from .experiences import known_names


def _author_kind(user, organisation_id) -> str:
    agent = agent_for(user)
    if agent is not None and agent.organisation_id == organisation_id:
        return AuthorKind.AGENT
    return AuthorKind.CITIZEN


def idea_propose(*, organisation: Organisation, by, title: str, body: str, procedure=None) -> Idea:
    if procedure is not None and procedure.organisation_id != organisation.pk:
        raise ListeningError(
            _("Cette démarche ne relève pas de cette administration."), field="procedure"
        )
    names = known_names(organisation_id=organisation.pk, user=by)
    text = moderate(body.strip(), names=names)
    heading = moderate(title.strip(), names=names)
    held = list(dict.fromkeys(heading.held_words + text.held_words))
    with transaction.atomic():
        idea = Idea.objects.create(
            organisation=organisation,
            procedure=procedure,
            author=by,
            author_kind=_author_kind(by, organisation.pk),
            title=heading.text,
            body=text.text,
            masked=heading.masked + text.masked,
            held_words=held,
            is_published=not held,
        )
        # The author supports their own idea.
        IdeaSupport.objects.create(organisation=organisation, idea=idea, user=by)
        Idea.objects.filter(pk=idea.pk).update(support_count=1)
        idea.support_count = 1
    return idea


def idea_support(*, idea: Idea, by) -> bool:
    """Support an idea once; True if this added a support."""
    if not idea.is_published:
        raise ListeningError(_("Cette idée n'est pas publiée."))
    try:
        with transaction.atomic():
            IdeaSupport.objects.create(organisation_id=idea.organisation_id, idea=idea, user=by)
            Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False
    return True


def idea_comment(*, idea: Idea, by, body: str) -> IdeaComment:
    if not idea.is_published:
        raise ListeningError(_("Cette idée n'est pas publiée."))
    if not body.strip():
        raise ListeningError(_("Écrivez votre commentaire."), field="body")
    text = moderate(body.strip(), names=known_names(organisation_id=idea.organisation_id, user=by))
    return IdeaComment.objects.create(
        organisation_id=idea.organisation_id,
        idea=idea,
        author=by,
        author_kind=_author_kind(by, idea.organisation_id),
        body=text.text,
        masked=text.masked,
        held_words=text.held_words,
        is_published=not text.held_words,
    )


def may_answer(agent: Agent | None, idea: Idea) -> bool:
    return permissions.is_manager(agent) and agent.organisation_id == idea.organisation_id


def idea_set_status(
    *, idea: Idea, by: Agent, status: str, reason: str = "", now=None
) -> IdeaStatusChange:
    """The service's answer. Declined needs a reason. Supporters are told."""
    if not may_answer(by, idea):
        raise ListeningError(_("Seuls les responsables de l'administration répondent aux idées."))
    if status not in IdeaStatus.values or status == IdeaStatus.PROPOSED:
        raise ListeningError(_("Choisissez la suite donnée à l'idée."), field="status")
    reason = reason.strip()
    if status == IdeaStatus.DECLINED and not reason:
        raise ListeningError(
            _("Expliquez pourquoi l'idée n'est pas retenue : la raison est publiée."),
            field="reason",
        )
    if status == idea.status and reason == idea.status_reason:
        raise ListeningError(_("L'idée a déjà cette suite."), field="status")
    now = now or timezone.now()
    with transaction.atomic():
        change = IdeaStatusChange.objects.create(
            organisation_id=idea.organisation_id,
            idea=idea,
            from_status=idea.status,
            to_status=status,
            reason=reason,
            by=by,
        )
        idea.status = status
        idea.status_reason = reason
        idea.status_changed_at = now
        idea.save(update_fields=["status", "status_reason", "status_changed_at"])
        from ..outgoing import idea_status_email

        # One email to each supporter of the idea.
        for user_id in idea.supports.order_by("pk").values_list("user_id", flat=True):
            outbox_put(
                handler=idea_status_email,
                key=f"idea-status:{change.pk}:{user_id}",
                change_id=change.pk,
                user_id=user_id,
            )
    return change


def idea_publish_held(*, idea: Idea, by: Agent, publish: bool) -> Idea:
    """A moderator publishes a held idea, or leaves it unpublished."""
    if not may_answer(by, idea):
        raise ListeningError(_("Seuls les responsables de l'administration modèrent les idées."))
    idea.is_published = publish
    idea.held_words = [] if publish else idea.held_words
    idea.save(update_fields=["is_published", "held_words"])
    return idea


def idea_comment_publish(*, comment: IdeaComment, by: Agent) -> IdeaComment:
    """A moderator publishes a comment held for its words."""
    if not may_answer(by, comment.idea):
        raise ListeningError(_("Seuls les responsables de l'administration modèrent les idées."))
    comment.is_published = True
    comment.save(update_fields=["is_published"])
    return comment
