"""Demo: the life event « Je déménage » across the town and the benefits body, and
Alice Durand's journey in progress: her housing aid request sent to the benefits body,
her registration on the town's electoral roll sent too, the residents' parking card
offered once that registration is accepted. Karim Benali (citizenship service)
coordinates it as her referent."""

import datetime
from random import Random

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import User
from parcours.cases.services import case_submit, case_update_draft
from parcours.catalog.enums import LifeSituation
from parcours.catalog.models import Procedure
from parcours.journeys import services
from parcours.journeys.enums import StepCondition
from parcours.journeys.models import LifeEvent, LifeEventStep
from parcours.organisations.models import Agent

from .answers import ANSWERS, AnswerContext
from .story import ALICE

REFERENT_EMAIL = "karim.benali@bellerive.test"
STEPS = (
    (
        "aide-au-logement",
        "Un nouveau loyer peut ouvrir droit à une aide au logement, versée par la Caisse.",
        StepCondition.ALWAYS,
    ),
    (
        "inscription-listes-electorales",
        "Pour voter dans votre nouvelle commune, inscrivez-vous sur ses listes électorales.",
        StepCondition.ALWAYS,
    ),
    (
        "carte-stationnement-resident",
        "Une fois votre adresse dans la commune établie, vous pouvez vous garer près de chez "
        "vous à tarif résident.",
        StepCondition.AFTER_ACCEPTED,
    ),
)


def _context() -> AnswerContext:
    return AnswerContext(
        given_name=ALICE.given_name,
        family_name=ALICE.family_name,
        phone=ALICE.phone,
        birth_place=ALICE.birth_place,
        received_on=timezone.localdate(),
        birth_date=datetime.date.fromisoformat(ALICE.birth_date),
        email=ALICE.email,
        street=ALICE.street,
        postcode=ALICE.postcode,
        city=ALICE.city,
    )


@transaction.atomic
def seed_journeys(seed: int = 2026) -> int:
    """The life event and one journey in progress. Returns the number of journeys."""
    procedures = {
        p.slug: p
        for p in Procedure.objects.published()
        .filter(slug__in=[slug for slug, _text, _condition in STEPS])
        .select_related("handling_unit")
    }
    if len(procedures) < len(STEPS):
        return 0
    roll = procedures["inscription-listes-electorales"]
    event = LifeEvent.objects.create(
        organisation_id=roll.organisation_id,
        slug="je-demenage",
        title="Je déménage",
        summary=(
            "Aide au logement, listes électorales, stationnement : les démarches d'un "
            "déménagement à Bellerive-sur-Loire, auprès de la mairie et de la Caisse, "
            "suivies au même endroit."
        ),
        life_situation=LifeSituation.MOVING,
        referent_unit=roll.handling_unit,
        is_published=True,
    )
    steps = []
    for position, (slug, explanation, condition) in enumerate(STEPS, start=1):
        steps.append(
            LifeEventStep.objects.create(
                organisation_id=event.organisation_id,
                life_event=event,
                position=position,
                procedure=procedures[slug],
                explanation=explanation,
                condition=condition,
                after_step=steps[1] if condition != StepCondition.ALWAYS else None,
            )
        )
    alice = User.objects.filter(email=ALICE.email).first()
    if alice is None:
        return 0
    journey = services.journey_start(life_event=event, user=alice)
    rng = Random(seed)
    for step in steps[:2]:
        case = services.journey_start_step(journey=journey, step=step, by=alice)
        answers = ANSWERS[step.procedure.code](rng, _context())
        case = case_update_draft(case=case, by=alice, form_data=answers)
        case_submit(case=case, by=alice)
    referent = Agent.objects.filter(user__email=REFERENT_EMAIL).first()
    if referent is not None:
        services.journey_take(journey=journey, agent=referent)
    return 1
