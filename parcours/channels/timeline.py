"""The channels' part of a person's timeline (``parcours.people.timeline``): calls,
visits and letters recorded by agents, and merges of duplicate records."""

from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.people.timeline import Entry, Scope, _case_url, _latest, _short


def contact_entries(person, scope: Scope, limit: int) -> list[Entry]:
    from .models import ContactRecord

    records = _latest(
        ContactRecord,
        person,
        scope,
        limit,
        related=("unit", "case", "agent__user"),
        at="occurred_at",
    )
    entries = []
    for record in records:
        details = [record.get_direction_display()]
        if record.agent_id:
            details.append(record.agent.display_name)
        if record.outcome:
            details.append(_short(record.outcome))
        entries.append(
            Entry(
                at=record.occurred_at,
                kind=f"contact_{record.channel}",
                kind_label=record.get_channel_display(),
                title=record.subject,
                url=reverse("channels:contact_scan", args=[record.pk])
                if record.scan
                else _case_url(record),
                detail=" — ".join(details),
                unit_name=record.unit.name,
            )
        )
    return entries


def merge_entries(person, scope: Scope, limit: int) -> list[Entry]:
    from .models import PersonMerge

    merges = PersonMerge.objects.filter(
        organisation_id=scope.organisation_id, kept=person
    ).order_by("-created_at", "-pk")[:limit]
    return [
        Entry(
            at=merge.created_at,
            kind="merge",
            kind_label=_("Fusion de fiches"),
            title=_("Fiche n° %(number)s (%(name)s) fusionnée dans celle-ci")
            % {
                "number": merge.merged_person_id,
                "name": merge.merged_snapshot.get("full_name", ""),
            },
            url=reverse("channels:merge", args=[merge.pk]),
            detail=_("par %(name)s") % {"name": merge.by_name},
        )
        for merge in merges
    ]


def callback_attempt_entries(person, scope: Scope, limit: int) -> list[Entry]:
    from parcours.contacts.models import CallbackAttempt

    attempts = (
        CallbackAttempt.objects.filter(
            organisation_id=scope.organisation_id, callback__person=person
        )
        .filter(scope.q(unit="callback__unit", case="callback__case"))
        .select_related("callback__unit")
        .order_by("-called_at", "-pk")[:limit]
    )
    return [
        Entry(
            at=attempt.called_at,
            kind="callback_attempt",
            kind_label=_("Rappel passé"),
            title=attempt.get_outcome_display(),
            url=reverse("channels:callback", args=[attempt.callback_id]),
            detail=" — ".join(
                part
                for part in [
                    attempt.by_name,
                    _short(attempt.note),
                    _("nouveau rappel le %(day)s") % {"day": attempt.next_day.strftime("%d/%m/%Y")}
                    if attempt.next_day
                    else "",
                ]
                if part
            ),
            unit_name=attempt.callback.unit.name,
        )
        for attempt in attempts
    ]


def channel_entries(person, scope: Scope, limit: int) -> list[Entry]:
    return contact_entries(person, scope, limit) + callback_attempt_entries(person, scope, limit)
