"""Demo: Bruno Petit gave the town's France Services helper, Léa Girard, a mandate for
his residents' parking card and his social housing request; she filed the parking card
request for him, which the town is reviewing."""

import datetime
from random import Random

from django.db import transaction
from django.utils import timezone

from parcours.accounts.models import User
from parcours.cases.services import case_submit, case_update_draft
from parcours.catalog.models import Procedure
from parcours.mandates import services
from parcours.mandates.enums import ConsentMethod

from .answers import AnswerContext, parking_card
from .story import BRUNO

HELPER_EMAIL = "lea.girard@bellerive.test"
PROCEDURES = ("carte-stationnement-resident", "demande-logement-social")


@transaction.atomic
def seed_mandates(seed: int = 2026) -> int:
    """One active mandate with a case filed under it. Returns the number of mandates."""
    helper = User.objects.filter(email=HELPER_EMAIL).first()
    person = User.objects.filter(email=BRUNO.email).first()
    procedures = list(Procedure.objects.published().filter(slug__in=PROCEDURES))
    if helper is None or person is None or not procedures:
        return 0
    today = timezone.localdate()
    mandate = services.mandate_create(
        by=helper,
        given_name=BRUNO.given_name,
        family_name=BRUNO.family_name,
        birth_date=datetime.date.fromisoformat(BRUNO.birth_date),
        email=BRUNO.email,
        phone=BRUNO.phone,
        procedures=procedures,
        ends_on=today + datetime.timedelta(days=180),
        consent_method=ConsentMethod.SIGNATURE,
        signed_name=f"{BRUNO.given_name} {BRUNO.family_name}",
        agreed=True,
        today=today,
    )
    parking = next((p for p in procedures if p.slug == PROCEDURES[0]), None)
    if parking is not None:
        case = services.mandate_start_case(mandate=mandate, procedure=parking, by=helper)
        context = AnswerContext(
            given_name=BRUNO.given_name,
            family_name=BRUNO.family_name,
            phone=BRUNO.phone,
            birth_place=BRUNO.birth_place,
            received_on=today,
            email=BRUNO.email,
            street=BRUNO.street,
            postcode=BRUNO.postcode,
            city=BRUNO.city,
        )
        case = case_update_draft(
            case=case,
            by=helper,
            form_data=parking_card(Random(seed), context),
            situation="Je n'ai pas d'ordinateur ; Mme Girard m'aide au guichet France Services.",
        )
        case_submit(case=case, by=helper)
    return 1
