"""Believable answers to the demo forms, already in the normalised shape that
``form_definition.clean_answers`` returns (so ``clean_answers(definition, answers) == answers``).

Booleans that are not ticked are left out, as the form would leave them out.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from .data import CHILD_NAMES, FAMILY_NAMES, GIVEN_NAMES, STREETS


@dataclass(slots=True)
class AnswerContext:
    given_name: str
    family_name: str
    phone: str
    birth_place: str
    received_on: datetime.date
    latitude: float | None = None
    longitude: float | None = None
    birth_date: datetime.date | None = None
    email: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""


def _money(rng: Random, low: int, high: int) -> str:
    return f"{rng.randint(low, high)}.{rng.choice(('00', '00', '50', '20', '80'))}"


def _date(day: datetime.date) -> str:
    return day.isoformat()


def _known(ctx: AnswerContext, *names: str) -> dict:
    """What the person's record holds for these prefilled fields, as the form stores it
    (tell us once: the forms take them from the record)."""
    values = {name: getattr(ctx, name) for name in names}
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else value
        for name, value in values.items()
        if value
    }


def _pick_days(rng: Random, values: list[str]) -> list[str]:
    chosen = [v for v in values if rng.random() < 0.6]
    return chosen or [values[0]]


def school_enrolment(rng: Random, ctx: AnswerContext) -> dict:
    level_index = rng.randrange(8)
    age = 3 + level_index
    birth = ctx.received_on - datetime.timedelta(days=365 * age + rng.randrange(300))
    answers = {
        "child_given_name": rng.choice(CHILD_NAMES),
        "child_family_name": ctx.family_name,
        "child_birth_date": _date(birth),
        "level": ("ps", "ms", "gs", "cp", "ce1", "ce2", "cm1", "cm2")[level_index],
        "school": rng.choice(("jaures", "curie", "prevert", "levee")),
    }
    if rng.random() < 0.15:
        answers["derogation"] = True
        answers["derogation_reason"] = rng.choice(
            (
                "Son grand frère est déjà dans cette école.",
                "L'école est à côté de mon travail et je finis à 18 h.",
                "Sa nourrice habite dans ce quartier.",
            )
        )
    if rng.random() < 0.7:
        answers["canteen"] = True
        answers["canteen_days"] = _pick_days(rng, ["monday", "tuesday", "thursday", "friday"])
    if rng.random() < 0.35:
        answers["after_school"] = True
    if level_index and rng.random() < 0.3:
        answers["previous_school"] = rng.choice(
            ("École Paul-Bert, Montrond-en-Val", "École du Centre, Villebrune", "École Jules-Ferry")
        )
    return answers


def parking_card(rng: Random, ctx: AnswerContext) -> dict:
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
    plate = (
        f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(100, 999)}-"
        f"{rng.choice(letters)}{rng.choice(letters)}"
    )
    answers = {
        "registration": plate,
        "zone": rng.choice(("centre", "centre", "gare", "quais")),
        "duration": rng.choice(("month", "year", "year")),
    }
    if rng.random() < 0.8:
        answers["vehicle_make"] = rng.choice(
            (
                "Renault Clio",
                "Peugeot 208",
                "Citroën C3",
                "Dacia Sandero",
                "Toyota Yaris",
                "Fiat 500",
            )
        )
    if rng.random() < 0.1:
        answers["company_car"] = True
        answers["employer_name"] = rng.choice(
            ("Clinique du Val", "Transports Loire Express", "Cabinet infirmier des Aubiers")
        )
    return answers


def housing_aid(rng: Random, ctx: AnswerContext) -> dict:
    student = rng.random() < 0.2
    answers = {
        "housing_kind": rng.choice(
            ("unfurnished", "unfurnished", "furnished", "shared", "residence")
        ),
        "rent": _money(rng, 280, 820),
        "lease_start": _date(ctx.received_on - datetime.timedelta(days=rng.randint(5, 400))),
        "landlord_name": rng.choice(
            (
                "Val de Loire Habitat",
                "Agence Loire Immobilier",
                "M. et Mme Garnier",
                "SCI Les Tilleuls",
            )
        ),
        "household_size": rng.choice((1, 1, 2, 2, 3, 4, 5)),
        "monthly_income": _money(rng, 450, 2600),
    }
    if rng.random() < 0.8:
        answers["charges"] = _money(rng, 20, 150)
    if student:
        answers["student"] = True
        answers["school_name"] = rng.choice(
            ("Université d'Orléans", "IUT de Bellerive", "Lycée Voltaire, BTS")
        )
    return answers


REPORT_TEXTS = {
    "pothole": "Un trou assez profond s'est formé sur la chaussée, les voitures font un écart.",
    "lighting": "Le lampadaire ne s'allume plus depuis plusieurs soirs, la rue est très sombre.",
    "dumping": "Des sacs et un vieux matelas ont été déposés au pied des conteneurs.",
    "graffiti": "Des tags ont été faits sur le mur de l'école pendant le week-end.",
    "furniture": "Le banc est cassé, une planche dépasse et peut blesser.",
    "tree": "Une grosse branche pend au-dessus du trottoir après le coup de vent.",
    "other": "La bouche d'égout déborde à chaque pluie et l'eau envahit le trottoir.",
}


def street_report(rng: Random, ctx: AnswerContext) -> dict:
    category = rng.choice(tuple(REPORT_TEXTS))
    answers = {
        "category": category,
        "location": {"lat": ctx.latitude, "lng": ctx.longitude},
        "description": REPORT_TEXTS[category],
    }
    if rng.random() < 0.6:
        answers["address_hint"] = f"Devant le {rng.randint(1, 80)} {rng.choice(STREETS)}"
    if category in ("tree", "pothole", "furniture") and rng.random() < 0.4:
        answers["danger"] = True
        answers["danger_details"] = "Des enfants passent là tous les jours pour aller à l'école."
    return answers


def accommodation_certificate(rng: Random, ctx: AnswerContext) -> dict:
    arrival = ctx.received_on + datetime.timedelta(days=rng.randint(30, 120))
    given, _gender = rng.choice(GIVEN_NAMES)
    return {
        **_known(ctx, "given_name", "family_name", "birth_date", "street", "postcode", "city"),
        "guest_given_name": given,
        "guest_family_name": rng.choice((ctx.family_name, rng.choice(FAMILY_NAMES))),
        "guest_nationality": rng.choice(
            (
                "marocaine",
                "algérienne",
                "sénégalaise",
                "malienne",
                "vietnamienne",
                "turque",
                "brésilienne",
            )
        ),
        "guest_birth_date": _date(
            datetime.date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
        ),
        "guest_passport": f"{rng.choice('ABCDEFGHKLMNPRSTUVZ')}{rng.randint(1000000, 9999999)}",
        "arrival_date": _date(arrival),
        "departure_date": _date(arrival + datetime.timedelta(days=rng.randint(10, 85))),
        "relationship": rng.choice(("family", "family", "family", "friend", "other")),
        "guests_count": rng.choice((1, 1, 2, 2, 3)),
        "housing_area": rng.randint(35, 120),
    }


def electoral_registration(rng: Random, ctx: AnswerContext) -> dict:
    answers = {
        **_known(ctx, "given_name", "family_name", "birth_date", "street", "postcode", "city"),
        "nationality": "french" if rng.random() < 0.93 else "eu",
        "attachment": rng.choice(("resident",) * 8 + ("taxpayer", "manager")),
        "birth_place": ctx.birth_place or "Orléans (Loiret)",
    }
    if rng.random() < 0.2:
        answers["first_registration"] = True
    else:
        answers["previous_commune"] = rng.choice(
            ("Orléans", "Tours", "Montrond-en-Val", "Blois", "Paris 11e", "Villebrune")
        )
    return answers


def _household(rng: Random, ctx: AnswerContext, others: int) -> dict:
    """The other people to house, one line each: a partner perhaps, then children."""
    if not others:
        return {}
    lines = []
    if rng.random() < 0.6:
        born = ctx.received_on - datetime.timedelta(days=365 * rng.randint(25, 55))
        lines.append(
            {
                "given_name": rng.choice(GIVEN_NAMES)[0],
                "birth_date": _date(born),
                "relationship": "spouse",
            }
        )
    while len(lines) < others:
        born = ctx.received_on - datetime.timedelta(
            days=365 * rng.randint(0, 17) + rng.randrange(300)
        )
        lines.append(
            {
                "given_name": rng.choice(CHILD_NAMES),
                "birth_date": _date(born),
                "relationship": "child",
            }
        )
    return {"household": lines}


def social_housing(rng: Random, ctx: AnswerContext) -> dict:
    size = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))
    reason = rng.choice(
        ("too_small", "too_expensive", "unfit", "separation", "disability", "other")
    )
    answers = {
        **_known(ctx, "given_name", "family_name", "birth_date", "email", "phone"),
        "current_housing": rng.choice(
            ("private_tenant", "private_tenant", "social_tenant", "hosted", "emergency")
        ),
        "household_size": size,
        "monthly_income": _money(rng, 600, 2800),
        **_household(rng, ctx, size - 1),
        "communes": _pick_days(
            rng, ["bellerive", "montrond", "saint-aignan", "noyers", "villebrune"]
        ),
        "rooms": ("t1", "t2", "t2", "t3", "t3", "t4", "t4", "t5", "t5")[size + rng.randint(0, 2)],
        "reason": reason,
    }
    if reason == "other":
        answers["reason_details"] = rng.choice(
            (
                "Je dois me rapprocher de ma mère qui est malade.",
                "Mon nouveau travail est à Montrond et je n'ai pas de voiture.",
            )
        )
    if reason == "disability" or rng.random() < 0.05:
        answers["adapted_housing"] = True
    return answers


def complaint(rng: Random, ctx: AnswerContext) -> dict:
    subject = rng.choice(("delay", "delay", "reception", "mistake", "information", "other"))
    texts = {
        "delay": "J'attends une réponse depuis plus de deux mois et personne ne sait me dire où en est mon dossier.",
        "reception": "Au téléphone, on m'a renvoyé trois fois vers un autre service sans me répondre.",
        "mistake": "Le courrier reçu porte le mauvais nom et une adresse où je n'habite plus.",
        "information": "Le courrier parle d'un « plan d'aide » sans expliquer ce que c'est ni ce que je dois faire.",
        "other": "Le guichet de Montrond était fermé pendant les horaires affichés.",
    }
    answers = {
        "subject": subject,
        "service": rng.choice(("habitat", "autonomie", "routes", "transport", "other")),
        "description": texts[subject],
    }
    if rng.random() < 0.3:
        answers["case_reference"] = f"{ctx.received_on.year}-LOG-{rng.randint(1, 900):06d}"
    if ctx.phone and rng.random() < 0.4:
        answers["wants_callback"] = True
        answers["callback_phone"] = ctx.phone
    return answers


def digital_support(rng: Random, ctx: AnswerContext) -> dict:
    administration = rng.choice(
        ("caisse", "taxes", "ants", "health", "pension", "employment", "other")
    )
    needs = {
        "caisse": "Déclarer mes ressources du trimestre, je n'arrive pas à me connecter.",
        "taxes": "Faire ma déclaration de revenus en ligne pour la première fois.",
        "ants": "Refaire la carte grise après mon déménagement.",
        "health": "Commander une carte Vitale pour mon fils.",
        "pension": "Demander ma retraite, on m'a dit que c'était en ligne.",
        "employment": "Mettre à jour mon dossier France Travail.",
        "other": "Je ne sais pas à qui m'adresser pour une démarche de succession.",
    }
    answers = {
        "administration": administration,
        "need": needs[administration],
        "contact_mode": rng.choice(("counter", "counter", "phone")),
    }
    if answers["contact_mode"] == "counter":
        answers["availability"] = _pick_days(rng, ["mornings", "afternoons", "saturday"])
    if rng.random() < 0.45:
        answers["has_device"] = True
    return answers


def autonomy_allowance(rng: Random, ctx: AnswerContext) -> dict:
    for_relative = rng.random() < 0.6
    given, _gender = rng.choice(GIVEN_NAMES[:40] if rng.random() < 0.6 else GIVEN_NAMES[40:])
    answers = {
        "beneficiary_given_name": given if for_relative else ctx.given_name,
        "beneficiary_family_name": ctx.family_name,
        "beneficiary_birth_date": _date(
            datetime.date(rng.randint(1930, 1958), rng.randint(1, 12), rng.randint(1, 28))
        ),
        "monthly_income": _money(rng, 700, 2400),
    }
    if for_relative:
        answers["for_relative"] = True
        answers["relationship"] = rng.choice(("child", "child", "spouse", "other"))
    if rng.random() < 0.5:
        answers["lives_alone"] = True
    help_ = [v for v in ("family", "nurse", "home_help", "meals") if rng.random() < 0.35]
    if help_:
        answers["current_help"] = help_
    return answers


def back_to_school_allowance(rng: Random, ctx: AnswerContext) -> dict:
    situation = rng.choice(
        ("high_school", "high_school", "high_school", "apprentice", "student", "training")
    )
    birth = ctx.received_on - datetime.timedelta(days=365 * 16 + rng.randrange(700))
    answers = {
        "young_given_name": rng.choice(CHILD_NAMES),
        "young_birth_date": _date(birth),
        "situation": situation,
        "establishment": rng.choice(
            (
                "Lycée Voltaire, Bellerive-sur-Loire",
                "Lycée professionnel Jean-Lurçat, Montrond-en-Val",
                "CFA des métiers du Val-de-Loire",
                "Lycée agricole de Villebrune",
            )
        ),
    }
    if situation == "apprentice":
        answers["apprentice_salary"] = _money(rng, 450, 1100)
    return answers


ANSWERS: dict[str, Callable[[Random, AnswerContext], dict]] = {
    "SCO": school_enrolment,
    "STA": parking_card,
    "AID": housing_aid,
    "SIG": street_report,
    "ACC": accommodation_certificate,
    "ELE": electoral_registration,
    "LOG": social_housing,
    "REC": complaint,
    "AFS": digital_support,
    "APA": autonomy_allowance,
    "ARS": back_to_school_allowance,
}


def draft_answers(rng: Random, answers: dict) -> dict:
    """A draft holds what the person typed so far: the first few answers."""
    keep = rng.randint(0, len(answers))
    return dict(list(answers.items())[:keep])
