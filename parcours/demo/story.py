"""The demo's story: three administrations of the Val-de-Loire, their services, and the
people who sign in to try Parcours.

Plain data, no database access. ``generator`` turns it into rows.
"""

from dataclasses import dataclass, field, replace

from django.utils.text import slugify

from parcours.organisations.enums import AgentRole, OrganisationKind

DEMO_PASSWORD = "demo-parcours-2026"  # noqa: S105 - published on purpose: demo accounts only

ADMINISTRATIVE_COURT = "Tribunal administratif d'Orléans"
ADMINISTRATIVE_COURT_ADDRESS = "28 rue de la Bretonnerie\n45057 Orléans Cedex 1"

# Opening hours: (weekday 0 = Monday, opens, closes).
WEEKDAYS_OFFICE = tuple(
    slot for day in range(5) for slot in ((day, "08:30", "12:00"), (day, "13:30", "17:00"))
)
WEEKDAYS_AND_SATURDAY = (*WEEKDAYS_OFFICE, (5, "09:00", "12:00"))
FRANCE_SERVICES_HOURS = (
    *(slot for day in range(5) for slot in ((day, "09:00", "12:30"), (day, "13:30", "17:30"))),
    (5, "09:00", "12:00"),
)
CAISSE_HOURS = (
    *(slot for day in range(4) for slot in ((day, "08:30", "12:30"), (day, "13:30", "16:30"))),
    (4, "08:30", "12:30"),
)
DEPARTEMENT_HOURS = tuple(
    slot for day in range(5) for slot in ((day, "09:00", "12:00"), (day, "14:00", "17:00"))
)


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    name: str
    street: str
    postcode: str
    city: str
    email: str
    phone: str
    territory: str
    territory_postcodes: tuple[str, ...]
    hours: tuple[tuple[int, str, str], ...]


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name: str
    kind: str
    siret: str
    address: str
    email: str
    phone: str
    website: str
    agent_domain: str
    units: tuple[UnitSpec, ...]
    # Share of the population and of the cases, relative to the others.
    weight: int = 3
    # Index of the procedure codes' variant: 0 for the story, n for the n-th extra commune.
    variant: int = 0


VAL_DE_LOIRE_POSTCODES = ("45510", "45110", "45530", "45240", "45360", "45260", "45340", "45450")

VILLE = OrganisationSpec(
    slug="bellerive-sur-loire",
    name="Ville de Bellerive-sur-Loire",
    kind=OrganisationKind.COMMUNE,
    siret="21450510300017",
    address="Hôtel de ville\n1 place du Général-de-Gaulle\n45510 Bellerive-sur-Loire",
    email="contact@bellerive.test",
    phone="02 61 91 10 00",
    website="https://www.bellerive.test",
    agent_domain="bellerive.test",
    weight=5,
    units=(
        UnitSpec(
            slug="education",
            name="Service Éducation et scolarité",
            street="Hôtel de ville, 1 place du Général-de-Gaulle",
            postcode="45510",
            city="Bellerive-sur-Loire",
            email="education@bellerive.test",
            phone="02 61 91 10 20",
            territory="Commune de Bellerive-sur-Loire",
            territory_postcodes=("45510",),
            hours=WEEKDAYS_OFFICE,
        ),
        UnitSpec(
            slug="citoyennete",
            name="Service Citoyenneté et état civil",
            street="Hôtel de ville, 1 place du Général-de-Gaulle",
            postcode="45510",
            city="Bellerive-sur-Loire",
            email="citoyennete@bellerive.test",
            phone="02 61 91 10 30",
            territory="Commune de Bellerive-sur-Loire",
            territory_postcodes=("45510",),
            hours=WEEKDAYS_AND_SATURDAY,
        ),
        UnitSpec(
            slug="stationnement",
            name="Service Stationnement et mobilités",
            street="12 rue des Tanneurs",
            postcode="45510",
            city="Bellerive-sur-Loire",
            email="stationnement@bellerive.test",
            phone="02 61 91 10 40",
            territory="Centre-ville, quartier de la Gare et quais de Loire",
            territory_postcodes=("45510",),
            hours=WEEKDAYS_OFFICE,
        ),
        UnitSpec(
            slug="cadre-de-vie",
            name="Service Voirie et cadre de vie",
            street="Centre technique municipal, 40 route de Sully",
            postcode="45510",
            city="Bellerive-sur-Loire",
            email="voirie@bellerive.test",
            phone="02 61 91 10 50",
            territory="Voies et espaces publics de Bellerive-sur-Loire",
            territory_postcodes=("45510",),
            hours=WEEKDAYS_OFFICE,
        ),
        UnitSpec(
            slug="france-services",
            name="Espace France Services de Bellerive",
            street="5 place du Marché",
            postcode="45510",
            city="Bellerive-sur-Loire",
            email="franceservices@bellerive.test",
            phone="02 61 91 10 60",
            territory="Bellerive-sur-Loire et les communes voisines",
            territory_postcodes=("45510", "45530", "45450"),
            hours=FRANCE_SERVICES_HOURS,
        ),
    ),
)

DEPARTEMENT = OrganisationSpec(
    slug="departement-val-de-loire",
    name="Département du Val-de-Loire",
    kind=OrganisationKind.DEPARTEMENT,
    siret="22450001700013",
    address="Hôtel du Département\n2 rue du Parc-de-la-Loire\n45041 Orléans Cedex 1",
    email="contact@valdeloire.test",
    phone="02 61 91 20 00",
    website="https://www.valdeloire.test",
    agent_domain="valdeloire.test",
    weight=3,
    units=(
        UnitSpec(
            slug="habitat",
            name="Direction de l'habitat et du logement",
            street="2 rue du Parc-de-la-Loire",
            postcode="45041",
            city="Orléans Cedex 1",
            email="habitat@valdeloire.test",
            phone="02 61 91 20 10",
            territory="Département du Val-de-Loire",
            territory_postcodes=VAL_DE_LOIRE_POSTCODES,
            hours=DEPARTEMENT_HOURS,
        ),
        UnitSpec(
            slug="relation-usagers",
            name="Mission relation aux usagers et médiation",
            street="2 rue du Parc-de-la-Loire",
            postcode="45041",
            city="Orléans Cedex 1",
            email="mediation@valdeloire.test",
            phone="02 61 91 20 20",
            territory="Département du Val-de-Loire",
            territory_postcodes=VAL_DE_LOIRE_POSTCODES,
            hours=DEPARTEMENT_HOURS,
        ),
        UnitSpec(
            slug="autonomie",
            name="Maison départementale de l'autonomie",
            street="17 avenue de la Loire",
            postcode="45110",
            city="Montrond-en-Val",
            email="autonomie@valdeloire.test",
            phone="02 61 91 20 30",
            territory="Département du Val-de-Loire",
            territory_postcodes=VAL_DE_LOIRE_POSTCODES,
            hours=DEPARTEMENT_HOURS,
        ),
    ),
)

CAISSE = OrganisationSpec(
    slug="caisse-prestations-val-de-loire",
    name="Caisse des prestations sociales du Val-de-Loire",
    kind=OrganisationKind.SOCIAL_SECURITY,
    siret="77845002100028",
    address="8 rue Émile-Zola\n45044 Orléans Cedex 1",
    email="contact@cps-valdeloire.test",
    phone="02 61 91 30 00",
    website="https://www.cps-valdeloire.test",
    agent_domain="cps-valdeloire.test",
    weight=3,
    units=(
        UnitSpec(
            slug="aides-logement",
            name="Service des aides au logement",
            street="8 rue Émile-Zola",
            postcode="45044",
            city="Orléans Cedex 1",
            email="logement@cps-valdeloire.test",
            phone="02 61 91 30 10",
            territory="Département du Val-de-Loire",
            territory_postcodes=VAL_DE_LOIRE_POSTCODES,
            hours=CAISSE_HOURS,
        ),
        UnitSpec(
            slug="prestations-familiales",
            name="Service des prestations familiales",
            street="3 quai du Châtelet",
            postcode="45110",
            city="Montrond-en-Val",
            email="familles@cps-valdeloire.test",
            phone="02 61 91 30 20",
            territory="Département du Val-de-Loire",
            territory_postcodes=VAL_DE_LOIRE_POSTCODES,
            hours=CAISSE_HOURS,
        ),
    ),
)

STORY_ORGANISATIONS = (VILLE, DEPARTEMENT, CAISSE)

_EXTRA_PREFIXES = [
    "Saint-Aubin",
    "Villeneuve",
    "Montigny",
    "Chaumont",
    "Beaulieu",
    "Fontenay",
    "Marcilly",
    "Neuville",
    "Rochefort",
    "Bonneval",
    "Courcelles",
    "Vernouillet",
]
_EXTRA_SUFFIXES = ["sur-Loire", "en-Val", "les-Prés", "la-Forêt", "sur-Cher", "le-Bois"]


def organisation_specs(count: int) -> list[OrganisationSpec]:
    """The story's three administrations, then as many invented communes as asked for.

    Extra communes copy the Ville's services, so benchmarks can spread cases over
    many organisations with the same code path as the demo.
    """
    if count < len(STORY_ORGANISATIONS):
        raise ValueError(f"At least {len(STORY_ORGANISATIONS)} organisations are needed.")
    specs = list(STORY_ORGANISATIONS)
    for n in range(1, count - len(STORY_ORGANISATIONS) + 1):
        prefix = _EXTRA_PREFIXES[(n - 1) % len(_EXTRA_PREFIXES)]
        suffix = _EXTRA_SUFFIXES[((n - 1) // len(_EXTRA_PREFIXES)) % len(_EXTRA_SUFFIXES)]
        round_ = (n - 1) // (len(_EXTRA_PREFIXES) * len(_EXTRA_SUFFIXES))
        city = f"{prefix}-{suffix}" + (f" {round_ + 1}" if round_ else "")
        slug = slugify(city)
        domain = f"{slug}.test"
        postcode = f"45{700 + n % 300:03d}"
        units = tuple(
            replace(
                unit,
                street=unit.street.replace("Bellerive", prefix),
                postcode=postcode,
                city=city,
                email=f"{unit.slug}@{domain}",
                territory=f"Commune de {city}",
                territory_postcodes=(postcode,),
            )
            for unit in VILLE.units
        )
        specs.append(
            replace(
                VILLE,
                slug=slug,
                name=f"Ville de {city}",
                siret="",
                address=f"Hôtel de ville\n1 place de la Mairie\n{postcode} {city}",
                email=f"contact@{domain}",
                website=f"https://www.{domain}",
                agent_domain=domain,
                units=units,
                variant=n,
            )
        )
    return specs


# ---------------------------------------------------------------------------
# People who sign in


@dataclass(frozen=True)
class AgentLogin:
    email: str
    given_name: str
    family_name: str
    organisation: str  # OrganisationSpec.slug
    units: tuple[str, ...]  # UnitSpec.slug; empty means every unit of the organisation
    role: str
    title: str


@dataclass(frozen=True)
class CitizenLogin:
    email: str
    given_name: str
    family_name: str
    birth_date: str
    birth_place: str
    phone: str
    street: str
    postcode: str
    city: str
    # Organisations that know this person (a Person record in each).
    organisations: tuple[str, ...] = field(default=())


ADMIN_EMAIL = "admin@parcours.test"
ADMIN_NAME = ("Camille", "Administratrice")

AGENT_LOGINS = (
    AgentLogin(
        "claire.martin@bellerive.test",
        "Claire",
        "Martin",
        VILLE.slug,
        ("education",),
        AgentRole.AGENT,
        "Instructrice scolarité",
    ),
    AgentLogin(
        "karim.benali@bellerive.test",
        "Karim",
        "Benali",
        VILLE.slug,
        ("citoyennete", "stationnement"),
        AgentRole.UNIT_MANAGER,
        "Responsable Citoyenneté et stationnement",
    ),
    AgentLogin(
        "nadia.roux@bellerive.test",
        "Nadia",
        "Roux",
        VILLE.slug,
        (),
        AgentRole.ORGANISATION_ADMIN,
        "Directrice des services à la population",
    ),
    AgentLogin(
        "sophie.lefevre@valdeloire.test",
        "Sophie",
        "Lefèvre",
        DEPARTEMENT.slug,
        ("habitat", "relation-usagers"),
        AgentRole.AGENT,
        "Instructrice logement social",
    ),
    AgentLogin(
        "thomas.moreau@cps-valdeloire.test",
        "Thomas",
        "Moreau",
        CAISSE.slug,
        ("aides-logement",),
        AgentRole.AGENT,
        "Conseiller aides au logement",
    ),
    AgentLogin(
        "lea.girard@bellerive.test",
        "Léa",
        "Girard",
        VILLE.slug,
        ("france-services",),
        AgentRole.HELPER,
        "Conseillère France Services",
    ),
)

ALICE = CitizenLogin(
    email="alice.durand@example.test",
    given_name="Alice",
    family_name="Durand",
    birth_date="1988-04-12",
    birth_place="Tours (Indre-et-Loire)",
    phone="06 39 98 12 34",
    street="14 rue des Tilleuls",
    postcode="45510",
    city="Bellerive-sur-Loire",
    organisations=(VILLE.slug, CAISSE.slug),
)
BRUNO = CitizenLogin(
    email="bruno.petit@example.test",
    given_name="Bruno",
    family_name="Petit",
    birth_date="1975-09-30",
    birth_place="Orléans (Loiret)",
    phone="06 39 98 56 78",
    street="3 impasse des Lilas",
    postcode="45510",
    city="Bellerive-sur-Loire",
    organisations=(VILLE.slug, DEPARTEMENT.slug),
)
CITIZEN_LOGINS = (ALICE, BRUNO)

# Agents of the population, spread over the units (extra communes get them too).
AGENT_TITLES = {
    "education": ("Instructeur scolarité", "Instructrice scolarité"),
    "citoyennete": ("Agent d'état civil", "Agente d'état civil"),
    "stationnement": ("Agent du stationnement", "Agente du stationnement"),
    "cadre-de-vie": ("Technicien voirie", "Technicienne voirie"),
    "france-services": ("Conseiller France Services", "Conseillère France Services"),
    "habitat": ("Instructeur logement social", "Instructrice logement social"),
    "relation-usagers": ("Chargé de la relation aux usagers", "Chargée de la relation aux usagers"),
    "autonomie": ("Évaluateur APA", "Évaluatrice APA"),
    "aides-logement": ("Conseiller aides au logement", "Conseillère aides au logement"),
    "prestations-familiales": ("Technicien conseil", "Technicienne conseil"),
}


# ---------------------------------------------------------------------------
# Alice's and Bruno's cases: what a citizen sees when signing in to the demo.


@dataclass(frozen=True)
class ScriptedStep:
    transition: str
    # Days before today, or None for the night after the decision date (implicit decision).
    days_ago: int | None
    time: str = "10:00"
    reason: str = ""
    citizen_days: int = 0


@dataclass(frozen=True)
class ScriptedCase:
    citizen: str  # CitizenLogin.email
    procedure: str  # ProcedureSpec.code
    channel: str
    steps: tuple[ScriptedStep, ...]  # empty for a draft
    referent: str = ""  # AgentLogin.email; empty: an agent of the unit
    draft_days_ago: int = 0
    draft_time: str = "20:00"
    answers: tuple[tuple[str, object], ...] = ()
    situation: str = ""


def _steps(*items: tuple) -> tuple[ScriptedStep, ...]:
    return tuple(ScriptedStep(*item) for item in items)


SCRIPTED_CASES = (
    ScriptedCase(
        citizen=ALICE.email,
        procedure="ACC",
        channel="online",
        steps=(),
        draft_days_ago=2,
        draft_time="21:12",
        answers=(("guest_given_name", "Mireille"), ("guest_family_name", "Durand")),
    ),
    ScriptedCase(
        citizen=ALICE.email,
        procedure="STA",
        channel="online",
        steps=_steps(("submit", 3, "21:40")),
        answers=(("registration", "GH-482-KL"), ("zone", "centre"), ("duration", "year")),
    ),
    ScriptedCase(
        citizen=ALICE.email,
        procedure="AID",
        channel="online",
        referent="thomas.moreau@cps-valdeloire.test",
        steps=_steps(
            ("submit", 24, "19:05"),
            ("start_review", 20, "10:12"),
            (
                "request_information",
                6,
                "14:30",
                "Il nous manque l'attestation de loyer remplie et signée par votre bailleur. "
                "Vous pouvez la déposer dans votre espace ou l'envoyer par courrier. Nous "
                "continuons d'étudier votre demande en l'attendant.",
                30,
            ),
        ),
        situation="Je viens de me séparer et je paie seule le loyer depuis le mois dernier.",
    ),
    ScriptedCase(
        citizen=ALICE.email,
        procedure="ELE",
        channel="counter",
        referent="karim.benali@bellerive.test",
        steps=_steps(
            ("submit", 300, "11:20"),
            ("start_review", 299, "09:05"),
            ("accept", 298, "15:40", "Vous êtes inscrite sur la liste électorale de la commune."),
        ),
    ),
    ScriptedCase(
        citizen=ALICE.email,
        procedure="SCO",
        channel="online",
        referent="claire.martin@bellerive.test",
        steps=_steps(
            ("submit", 130, "22:02"),
            ("start_review", 126, "09:30"),
            ("implicit_acceptance", None, "00:07"),
        ),
        answers=(("child_given_name", "Jules"), ("child_family_name", "Durand")),
    ),
    ScriptedCase(
        citizen=BRUNO.email,
        procedure="LOG",
        channel="online",
        referent="sophie.lefevre@valdeloire.test",
        steps=_steps(("submit", 40, "11:02"), ("start_review", 33, "09:40")),
        situation="Nous vivons à quatre dans un deux-pièces depuis la naissance de notre fille.",
    ),
    ScriptedCase(
        citizen=BRUNO.email,
        procedure="STA",
        channel="online",
        referent="karim.benali@bellerive.test",
        steps=_steps(
            ("submit", 160, "18:30"),
            ("start_review", 155, "10:15"),
            (
                "reject",
                150,
                "16:20",
                "La carte grise est au nom d'une société qui n'est pas votre employeur : nous "
                "ne pouvons pas délivrer la carte résident. Si c'est un véhicule de fonction, "
                "envoyez-nous une attestation de votre employeur avec une nouvelle demande.",
            ),
        ),
    ),
    ScriptedCase(
        citizen=BRUNO.email,
        procedure="ACC",
        channel="counter",
        referent="karim.benali@bellerive.test",
        steps=_steps(
            ("submit", 75, "10:30"),
            ("start_review", 72, "14:00"),
            ("withdraw", 70, "18:45", "Mon frère a reporté son voyage à l'année prochaine."),
        ),
    ),
    ScriptedCase(
        citizen=BRUNO.email,
        procedure="SIG",
        channel="online",
        referent="nadia.roux@bellerive.test",
        steps=_steps(
            ("submit", 20, "08:05"),
            ("start_review", 19, "08:50"),
            (
                "accept",
                15,
                "16:30",
                "L'équipe de la voirie a rebouché le trou. Merci pour votre signalement.",
            ),
        ),
        answers=(
            ("category", "pothole"),
            (
                "description",
                "Un trou profond s'est formé devant l'école Jean-Jaurès, les vélos font un écart.",
            ),
        ),
    ),
)
