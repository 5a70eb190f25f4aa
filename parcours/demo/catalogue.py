"""The demo's procedures (démarches): forms, pieces, legal rules and service commitments.

Each form definition is valid per ``parcours.catalog.form_definition.validate_definition``;
``answers`` fills them in for the generated cases.
"""

from collections.abc import Iterator
from dataclasses import dataclass, replace

from parcours.catalog.enums import (
    CommitmentKind,
    DelayUnit,
    FieldType,
    ImplicitDecision,
    LifeSituation,
    Theme,
)

from .story import CAISSE, DEPARTEMENT, VILLE, OrganisationSpec


def _field(name: str, label: str, kind: str, *, required: bool = False, **extra) -> dict:
    return {"name": name, "label": label, "type": kind, "required": required, **extra}


def _choices(*pairs: tuple[str, str]) -> list[dict]:
    return [{"value": value, "label": label} for value, label in pairs]


def _doc(code: str, label: str, help_text: str = "", *, required: bool = True, **extra) -> dict:
    return {"code": code, "label": label, "help": help_text, "required": required, **extra}


# Tell us once: the applicant's identity and contact details are taken from what the
# administration already holds ("prefill"), certified by FranceConnect or declared.


def _identity(step: str) -> tuple[dict, ...]:
    return (
        _field(
            "given_name",
            "Prénom(s)",
            FieldType.TEXT,
            required=True,
            max_length=150,
            prefill="given_name",
            step=step,
        ),
        _field(
            "family_name",
            "Nom de naissance",
            FieldType.TEXT,
            required=True,
            max_length=150,
            prefill="family_name",
            step=step,
        ),
        _field(
            "birth_date",
            "Date de naissance",
            FieldType.DATE,
            required=True,
            prefill="birth_date",
            step=step,
        ),
    )


def _address(step: str) -> tuple[dict, ...]:
    return (
        _field("street", "Adresse", FieldType.TEXT, max_length=200, prefill="street", step=step),
        _field(
            "postcode", "Code postal", FieldType.TEXT, max_length=10, prefill="postcode", step=step
        ),
        _field("city", "Commune", FieldType.TEXT, max_length=100, prefill="city", step=step),
    )


def _contact(step: str) -> tuple[dict, ...]:
    return (
        _field(
            "email",
            "Adresse électronique",
            FieldType.EMAIL,
            prefill="email",
            step=step,
            help="Pour vous écrire au sujet de cette demande.",
        ),
        _field(
            "phone",
            "Téléphone",
            FieldType.PHONE,
            prefill="phone",
            step=step,
            help="Pour vous appeler si une information manque.",
        ),
    )


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    slug: str
    title: str
    summary: str
    description: str
    who_can_apply: str
    what_happens_next: str
    theme: str
    organisation: str  # OrganisationSpec.slug
    unit: str  # UnitSpec.slug
    legal_basis: str
    decision_delay: int
    decision_delay_unit: str
    implicit_decision: str
    fields: tuple[dict, ...]
    documents: tuple[dict, ...]
    commitments: tuple[tuple[str, int, str, str], ...]  # kind, target, unit, wording
    reject_reasons: tuple[str, ...]
    # Relative number of cases, and the mix of explicit outcomes
    # (accepted, rejected, closed without action, withdrawn).
    weight: int
    outcomes: tuple[int, int, int, int]
    grants_a_right: bool = False
    is_geolocated: bool = False
    # Months (1-12) when requests are more frequent, and by how much.
    season: tuple[tuple[int, float], ...] = ()
    # For procedures without implicit decision: how long handling usually takes (days).
    usual_days: int = 20
    # The story procedure this one copies (extra communes); its code otherwise.
    model_code: str = ""
    # Where the catalogue also lists it (LifeSituation values).
    life_situations: tuple[str, ...] = ()

    @property
    def form_key(self) -> str:
        return self.model_code or self.code

    @property
    def definition(self) -> dict:
        return {"fields": [dict(f) for f in self.fields]}


LEVELS = _choices(
    ("ps", "Petite section"),
    ("ms", "Moyenne section"),
    ("gs", "Grande section"),
    ("cp", "CP"),
    ("ce1", "CE1"),
    ("ce2", "CE2"),
    ("cm1", "CM1"),
    ("cm2", "CM2"),
)
SCHOOLS = _choices(
    ("jaures", "École Jean-Jaurès (quartier du Centre)"),
    ("curie", "École Marie-Curie (quartier des Aubiers)"),
    ("prevert", "École Jacques-Prévert (quartier de la Gare)"),
    ("levee", "École des Bords-de-Loire (quartier de la Levée)"),
)
SCHOOL_DAYS = _choices(
    ("monday", "Lundi"), ("tuesday", "Mardi"), ("thursday", "Jeudi"), ("friday", "Vendredi")
)
COMMUNE_CHOICES = _choices(
    ("bellerive", "Bellerive-sur-Loire"),
    ("montrond", "Montrond-en-Val"),
    ("saint-aignan", "Saint-Aignan-des-Prés"),
    ("noyers", "Noyers-sur-Cens"),
    ("villebrune", "Villebrune"),
)

GENERAL_COMMITMENTS = (
    (
        CommitmentKind.FIRST_REPLY,
        5,
        DelayUnit.WORKING_DAYS,
        "Nous répondons à vos messages sous 5 jours ouvrés.",
    ),
    (
        CommitmentKind.RECEIPT,
        2,
        DelayUnit.WORKING_DAYS,
        "Nous vous envoyons l'accusé de réception de votre demande sous 2 jours ouvrés "
        "(tout de suite si vous faites la demande en ligne).",
    ),
    (
        CommitmentKind.PHONE_ANSWER,
        1,
        DelayUnit.WORKING_DAYS,
        "Si nous n'avons pas pu décrocher, nous vous rappelons sous 1 jour ouvré.",
    ),
    (
        CommitmentKind.COMPLAINT,
        15,
        DelayUnit.WORKING_DAYS,
        "Nous répondons à vos réclamations sous 15 jours ouvrés, en vous expliquant ce que nous changeons.",
    ),
)

PROCEDURES = (
    ProcedureSpec(
        code="SCO",
        slug="inscription-scolaire",
        title="Inscrire un enfant à l'école maternelle ou élémentaire",
        summary="Inscrire votre enfant dans une école publique de la commune, pour une première "
        "rentrée ou après un déménagement.",
        description="La mairie inscrit les enfants dans les écoles publiques de la commune. Nous vous "
        "indiquons l'école de votre secteur, selon votre adresse. Vous pouvez demander une autre "
        "école (on parle de dérogation) : nous l'accordons s'il reste de la place et si votre "
        "situation le justifie. Vous pouvez aussi inscrire votre enfant à la cantine et à "
        "l'accueil du soir.",
        who_can_apply="Les parents, ou la personne qui a la charge de l'enfant, s'ils habitent la "
        "commune ou vont y habiter. Pour la maternelle, l'enfant doit avoir 3 ans dans l'année.",
        what_happens_next="Nous vérifions votre adresse et les places disponibles. Sous un mois au "
        "plus, vous recevez le certificat d'inscription à montrer à l'école. Si nous ne vous "
        "répondons pas dans ce délai, l'inscription est acceptée : vous pouvez nous demander une "
        "attestation.",
        theme=Theme.FAMILY,
        life_situations=(LifeSituation.SCHOOL, LifeSituation.MOVING),
        organisation=VILLE.slug,
        unit="education",
        legal_basis="Code de l'éducation, articles L131-1, L131-5 et L131-6 (inscription sur la "
        "liste scolaire par le maire) et L212-7 (secteurs scolaires et dérogations).",
        decision_delay=1,
        decision_delay_unit=DelayUnit.MONTHS,
        implicit_decision=ImplicitDecision.ACCEPTANCE,
        fields=(
            _field(
                "child_given_name",
                "Prénom de l'enfant",
                FieldType.TEXT,
                required=True,
                max_length=100,
            ),
            _field(
                "child_family_name",
                "Nom de l'enfant",
                FieldType.TEXT,
                required=True,
                max_length=100,
            ),
            _field(
                "child_birth_date", "Date de naissance de l'enfant", FieldType.DATE, required=True
            ),
            _field("level", "Classe à la rentrée", FieldType.CHOICE, required=True, choices=LEVELS),
            _field(
                "school",
                "École souhaitée",
                FieldType.CHOICE,
                required=True,
                choices=SCHOOLS,
                help="L'école de votre secteur dépend de votre adresse. Si vous ne savez pas, "
                "choisissez la plus proche : nous corrigerons.",
            ),
            _field(
                "derogation",
                "Je demande une école qui n'est pas celle de mon secteur",
                FieldType.BOOLEAN,
            ),
            _field(
                "derogation_reason",
                "Pourquoi cette école ?",
                FieldType.TEXTAREA,
                required=True,
                max_length=1000,
                show_if={"field": "derogation", "equals": True},
                help="Par exemple : un frère ou une sœur y est déjà, elle est près de votre travail.",
            ),
            _field("canteen", "Mon enfant déjeunera à la cantine", FieldType.BOOLEAN),
            _field(
                "canteen_days",
                "Jours de cantine",
                FieldType.MULTIPLE_CHOICE,
                required=True,
                choices=SCHOOL_DAYS,
                show_if={"field": "canteen", "equals": True},
            ),
            _field(
                "after_school",
                "Mon enfant ira à l'accueil du soir (périscolaire)",
                FieldType.BOOLEAN,
            ),
            _field(
                "previous_school", "École fréquentée cette année, s'il y en a une", FieldType.TEXT
            ),
        ),
        documents=(
            _doc("family_record", "Livret de famille ou acte de naissance de l'enfant"),
            _doc(
                "proof_of_address",
                "Justificatif de domicile de moins de trois mois",
                "Facture d'énergie, quittance de loyer, attestation d'assurance habitation.",
                valid_days=90,
            ),
            _doc("vaccinations", "Pages des vaccinations du carnet de santé"),
            _doc(
                "transfer_certificate",
                "Certificat de radiation de l'ancienne école",
                "Seulement si votre enfant change d'école.",
                required=False,
            ),
        ),
        commitments=(
            (
                CommitmentKind.DECISION,
                15,
                DelayUnit.WORKING_DAYS,
                "Nous confirmons l'inscription de votre enfant sous 15 jours ouvrés.",
            ),
        ),
        reject_reasons=(
            "Il n'y a plus de place dans l'école demandée et votre adresse dépend d'un autre "
            "secteur. Nous vous proposons l'école Marie-Curie, où votre enfant est attendu.",
            "Votre adresse n'est pas dans la commune : l'inscription doit être faite dans la "
            "mairie de votre domicile.",
        ),
        weight=14,
        outcomes=(88, 4, 4, 4),
        season=((3, 2.0), (4, 2.5), (5, 2.5), (6, 1.8), (8, 1.5), (9, 1.8)),
    ),
    ProcedureSpec(
        code="STA",
        slug="carte-stationnement-resident",
        title="Demander une carte de stationnement résident",
        summary="Stationner près de chez vous à tarif réduit dans les zones payantes.",
        description="La carte de stationnement résident permet de vous garer dans la zone payante de "
        "votre quartier, pour 15 € par mois ou 120 € par an. Elle est liée à un véhicule et à "
        "votre adresse.",
        who_can_apply="Les personnes qui habitent une zone de stationnement payant (centre-ville, "
        "gare, quais de Loire), pour un véhicule à leur nom ou un véhicule de fonction.",
        what_happens_next="Nous vérifions que la carte grise et le justificatif de domicile sont à "
        "la même adresse. Vous recevez la carte par courrier, ou vous la retirez au guichet.",
        theme=Theme.MOBILITY,
        life_situations=(LifeSituation.MOVING,),
        organisation=VILLE.slug,
        unit="stationnement",
        legal_basis="Code général des collectivités territoriales, articles L2213-2 et L2213-6 ; "
        "délibération du conseil municipal du 12 décembre 2024 fixant les tarifs du stationnement.",
        decision_delay=2,
        decision_delay_unit=DelayUnit.MONTHS,
        implicit_decision=ImplicitDecision.ACCEPTANCE,
        fields=(
            _field(
                "registration",
                "Numéro d'immatriculation",
                FieldType.TEXT,
                required=True,
                max_length=12,
                help="Par exemple AB-123-CD.",
            ),
            _field("vehicle_make", "Marque et modèle du véhicule", FieldType.TEXT, max_length=100),
            _field(
                "zone",
                "Zone de stationnement",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("centre", "Centre-ville"),
                    ("gare", "Quartier de la Gare"),
                    ("quais", "Quais de Loire"),
                ),
            ),
            _field(
                "duration",
                "Durée",
                FieldType.CHOICE,
                required=True,
                choices=_choices(("month", "Un mois (15 €)"), ("year", "Un an (120 €)")),
            ),
            _field("company_car", "C'est un véhicule de fonction", FieldType.BOOLEAN),
            _field(
                "employer_name",
                "Nom de votre employeur",
                FieldType.TEXT,
                required=True,
                max_length=200,
                show_if={"field": "company_car", "equals": True},
            ),
        ),
        documents=(
            _doc(
                "registration_certificate", "Certificat d'immatriculation (carte grise) du véhicule"
            ),
            _doc(
                "proof_of_address",
                "Justificatif de domicile de moins de trois mois",
                valid_days=90,
            ),
            _doc(
                "employer_certificate",
                "Attestation de l'employeur pour un véhicule de fonction",
                required=False,
            ),
        ),
        commitments=(
            (
                CommitmentKind.DECISION,
                10,
                DelayUnit.WORKING_DAYS,
                "Vous recevez votre carte de stationnement sous 10 jours ouvrés.",
            ),
        ),
        reject_reasons=(
            "Votre adresse n'est pas dans une zone de stationnement résident : la carte ne peut "
            "pas être délivrée. Le parking de la Gare propose un abonnement mensuel.",
            "La carte grise n'est ni à votre nom ni à celui de votre employeur.",
        ),
        weight=10,
        outcomes=(80, 10, 5, 5),
    ),
    ProcedureSpec(
        code="AID",
        slug="aide-au-logement",
        title="Demander une aide au logement",
        summary="Une aide chaque mois pour payer votre loyer, selon vos ressources.",
        description="L'aide au logement réduit le loyer que vous payez chaque mois. Son montant "
        "dépend de vos ressources, de votre loyer, de la taille de votre foyer et de l'endroit où "
        "vous habitez. Elle peut être versée directement à votre bailleur.",
        who_can_apply="Les locataires, colocataires et résidents d'un foyer, y compris les "
        "étudiants, dont le logement est la résidence principale et répond aux normes de décence.",
        what_happens_next="Nous étudions votre demande et vos ressources. Il peut nous manquer une "
        "pièce : nous vous le disons, et nous continuons l'examen en l'attendant. Sans réponse "
        "dans les deux mois, la demande est considérée comme refusée, mais vous pouvez toujours "
        "nous appeler.",
        theme=Theme.HOUSING,
        life_situations=(LifeSituation.HOUSING, LifeSituation.MOVING, LifeSituation.INCOME),
        organisation=CAISSE.slug,
        unit="aides-logement",
        legal_basis="Code de la construction et de l'habitation, articles L821-1 à L823-9 ; code "
        "des relations entre le public et l'administration, article L231-4 (demande à caractère "
        "financier : le silence vaut rejet).",
        decision_delay=2,
        decision_delay_unit=DelayUnit.MONTHS,
        implicit_decision=ImplicitDecision.REJECTION,
        grants_a_right=True,
        fields=(
            _field(
                "housing_kind",
                "Type de logement",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("unfurnished", "Location vide"),
                    ("furnished", "Location meublée"),
                    ("shared", "Colocation"),
                    ("residence", "Foyer ou résidence"),
                ),
            ),
            _field(
                "rent",
                "Loyer mensuel hors charges (en euros)",
                FieldType.DECIMAL,
                required=True,
                min=0,
                max=5000,
            ),
            _field("charges", "Charges mensuelles (en euros)", FieldType.DECIMAL, min=0, max=1000),
            _field("lease_start", "Date d'entrée dans le logement", FieldType.DATE, required=True),
            _field(
                "landlord_name", "Nom du bailleur", FieldType.TEXT, required=True, max_length=200
            ),
            _field(
                "household_size",
                "Nombre de personnes dans le foyer",
                FieldType.INTEGER,
                required=True,
                min=1,
                max=15,
            ),
            _field(
                "monthly_income",
                "Ressources mensuelles du foyer (en euros)",
                FieldType.DECIMAL,
                required=True,
                min=0,
                max=20000,
            ),
            _field("student", "Je suis étudiant ou étudiante", FieldType.BOOLEAN),
            _field(
                "school_name",
                "Établissement où vous étudiez",
                FieldType.TEXT,
                required=True,
                max_length=200,
                show_if={"field": "student", "equals": True},
            ),
        ),
        documents=(
            _doc("lease", "Bail ou contrat de location"),
            _doc("rent_certificate", "Attestation de loyer remplie par le bailleur"),
            _doc("bank_details", "Relevé d'identité bancaire (RIB)"),
            _doc("identity", "Pièce d'identité ou titre de séjour"),
        ),
        commitments=(
            (
                CommitmentKind.DECISION,
                21,
                DelayUnit.DAYS,
                "Nous étudions votre demande d'aide au logement sous 21 jours.",
            ),
        ),
        reject_reasons=(
            "Les ressources de votre foyer dépassent le plafond : l'aide calculée est inférieure "
            "à 10 € par mois, montant en dessous duquel elle n'est pas versée.",
            "Le logement est loué par un parent proche (ascendant) : la loi ne permet pas de "
            "verser l'aide dans ce cas.",
        ),
        weight=12,
        outcomes=(70, 20, 5, 5),
        season=((8, 1.6), (9, 2.0), (10, 1.4)),
    ),
    ProcedureSpec(
        code="SIG",
        slug="signalement-voie-publique",
        title="Signaler un problème sur la voie publique",
        summary="Un nid-de-poule, un lampadaire éteint, un dépôt sauvage : dites-le nous.",
        description="Signalez un problème dans une rue, un parc ou sur un trottoir de la commune. "
        "Placez-le sur la carte : l'équipe de la voirie sait où aller. Vous suivez le traitement "
        "de votre signalement, et nous vous disons quand c'est réparé.",
        who_can_apply="Toute personne, habitante ou de passage.",
        what_happens_next="Le service Voirie examine le signalement et planifie l'intervention. Un "
        "danger immédiat est sécurisé dans les deux jours ouvrés.",
        theme=Theme.PUBLIC_SPACE,
        life_situations=(LifeSituation.NEIGHBOURHOOD,),
        organisation=VILLE.slug,
        unit="cadre-de-vie",
        legal_basis="Code général des collectivités territoriales, article L2212-2 (pouvoirs de "
        "police du maire : sûreté et commodité du passage sur les voies publiques).",
        decision_delay=15,
        decision_delay_unit=DelayUnit.DAYS,
        implicit_decision=ImplicitDecision.NONE,
        is_geolocated=True,
        fields=(
            _field(
                "category",
                "Quel problème ?",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("pothole", "Nid-de-poule ou chaussée abîmée"),
                    ("lighting", "Éclairage public en panne"),
                    ("dumping", "Dépôt sauvage de déchets"),
                    ("graffiti", "Tag ou graffiti"),
                    ("furniture", "Banc, poubelle ou panneau cassé"),
                    ("tree", "Arbre ou branche dangereux"),
                    ("other", "Autre problème"),
                ),
            ),
            _field(
                "location",
                "Où ?",
                FieldType.LOCATION,
                help="Placez le problème sur la carte, ou indiquez son adresse ci-dessous.",
            ),
            # Open311 GeoReport v2 (docs/open311.md) fills these two from its own
            # address_string and description arguments.
            _field(
                "address_hint",
                "Adresse ou repère",
                FieldType.ADDRESS,
                max_length=200,
                help="Par exemple : devant le numéro 12. Obligatoire sans position sur la carte.",
                open311="address_string",
            ),
            _field(
                "description",
                "Décrivez le problème",
                FieldType.TEXTAREA,
                required=True,
                max_length=1000,
                open311="description",
            ),
            _field("danger", "Le problème présente un danger immédiat", FieldType.BOOLEAN),
            _field(
                "danger_details",
                "Quel danger ?",
                FieldType.TEXTAREA,
                required=True,
                max_length=500,
                show_if={"field": "danger", "equals": True},
            ),
        ),
        documents=(_doc("photo", "Photo du problème", required=False),),
        commitments=(
            (
                CommitmentKind.DECISION,
                2,
                DelayUnit.WORKING_DAYS,
                "Nous sécurisons un danger signalé sous 2 jours ouvrés.",
            ),
        ),
        reject_reasons=(
            "Cet endroit est une voie privée : la commune ne peut pas y intervenir. Nous avons "
            "prévenu le syndic de la résidence.",
        ),
        weight=14,
        outcomes=(82, 3, 12, 3),
        season=((1, 1.3), (7, 1.3), (12, 1.3)),
        usual_days=12,
    ),
    ProcedureSpec(
        code="ACC",
        slug="attestation-accueil",
        title="Demander une attestation d'accueil",
        summary="Recevoir chez vous une personne étrangère pour une visite de moins de trois mois.",
        description="L'attestation d'accueil est demandée par le consulat à une personne étrangère "
        "qui vient en France pour une visite privée de moins de trois mois. Vous vous engagez à "
        "la loger. La mairie vérifie que votre logement peut l'accueillir. Un timbre fiscal de "
        "30 € est demandé.",
        who_can_apply="Les personnes qui habitent la commune et reçoivent chez elles un proche "
        "étranger, françaises ou étrangères en situation régulière.",
        what_happens_next="Nous vérifions vos pièces ; une visite du logement peut avoir lieu. Vous "
        "envoyez ensuite l'attestation signée à votre proche. Sans réponse dans le mois, la "
        "demande est refusée : appelez-nous avant la fin de ce délai si vous êtes inquiet.",
        theme=Theme.CITIZENSHIP,
        life_situations=(LifeSituation.HOSTING,),
        organisation=VILLE.slug,
        unit="citoyennete",
        legal_basis="Code de l'entrée et du séjour des étrangers et du droit d'asile, articles "
        "L313-1 à L313-6 et R313-11 à R313-20 ; code général des impôts, article 1628 A.",
        decision_delay=1,
        decision_delay_unit=DelayUnit.MONTHS,
        implicit_decision=ImplicitDecision.REJECTION,
        fields=(
            *_identity("Vous, qui accueillez"),
            *_address("Vous, qui accueillez"),
            _field(
                "guest_given_name",
                "Prénom de la personne accueillie",
                FieldType.TEXT,
                required=True,
                max_length=100,
            ),
            _field(
                "guest_family_name",
                "Nom de la personne accueillie",
                FieldType.TEXT,
                required=True,
                max_length=100,
            ),
            _field(
                "guest_nationality", "Nationalité", FieldType.TEXT, required=True, max_length=100
            ),
            _field("guest_birth_date", "Date de naissance", FieldType.DATE, required=True),
            _field(
                "guest_passport",
                "Numéro de passeport",
                FieldType.TEXT,
                required=True,
                max_length=30,
            ),
            _field("arrival_date", "Date d'arrivée", FieldType.DATE, required=True),
            _field("departure_date", "Date de départ", FieldType.DATE, required=True),
            _field(
                "relationship",
                "Lien avec vous",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("family", "Membre de ma famille"),
                    ("friend", "Ami ou amie"),
                    ("other", "Autre"),
                ),
            ),
            _field(
                "guests_count",
                "Nombre de personnes accueillies",
                FieldType.INTEGER,
                required=True,
                min=1,
                max=10,
            ),
            _field(
                "housing_area",
                "Surface de votre logement (m²)",
                FieldType.INTEGER,
                required=True,
                min=9,
                max=500,
            ),
        ),
        documents=(
            _doc("identity", "Votre pièce d'identité ou titre de séjour"),
            _doc("property_or_lease", "Titre de propriété ou bail"),
            _doc(
                "proof_of_address",
                "Justificatif de domicile de moins de trois mois",
                valid_days=90,
            ),
            _doc(
                "tax_stamp",
                "Timbre fiscal de 30 €",
                "À acheter en ligne sur timbres.impots.gouv.fr ou dans un bureau de tabac.",
            ),
            _doc("insurance", "Attestation d'assurance médicale du visiteur", required=False),
        ),
        commitments=(
            (
                CommitmentKind.DECISION,
                10,
                DelayUnit.WORKING_DAYS,
                "Nous traitons votre demande d'attestation d'accueil sous 10 jours ouvrés.",
            ),
        ),
        reject_reasons=(
            "Le logement ne permet pas d'accueillir ces personnes dans des conditions normales : "
            "la surface est inférieure à 9 m² par personne.",
            "Le timbre fiscal n'a pas été fourni malgré notre demande.",
        ),
        weight=6,
        outcomes=(75, 12, 8, 5),
        season=((5, 1.5), (6, 1.8), (7, 1.5), (11, 1.3), (12, 1.5)),
    ),
    ProcedureSpec(
        code="ELE",
        slug="inscription-listes-electorales",
        title="S'inscrire sur les listes électorales",
        summary="Pour voter dans la commune, y compris après un déménagement.",
        description="Pour voter, il faut être inscrit sur la liste électorale de la commune où vous "
        "habitez ou payez des impôts locaux. À 18 ans, l'inscription est automatique si vous "
        "avez fait le recensement citoyen ; sinon, et après chaque déménagement, faites la "
        "demande.",
        who_can_apply="Les personnes de nationalité française ou d'un autre pays de l'Union "
        "européenne, majeures, qui ont une attache avec la commune.",
        what_happens_next="Le maire statue dans les cinq jours. Vous recevez ensuite votre carte "
        "électorale par courrier.",
        theme=Theme.CITIZENSHIP,
        life_situations=(LifeSituation.VOTING, LifeSituation.MOVING),
        organisation=VILLE.slug,
        unit="citoyennete",
        legal_basis="Code électoral, articles L11 à L16 et L18 ; articles R5 à R7.",
        decision_delay=5,
        decision_delay_unit=DelayUnit.DAYS,
        implicit_decision=ImplicitDecision.ACCEPTANCE,
        fields=(
            *_identity("Votre identité"),
            *_address("Votre adresse"),
            _field(
                "nationality",
                "Nationalité",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("french", "Française"), ("eu", "D'un autre pays de l'Union européenne")
                ),
            ),
            _field(
                "attachment",
                "Votre lien avec la commune",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("resident", "J'habite la commune"),
                    (
                        "taxpayer",
                        "Je paie des impôts locaux dans la commune depuis au moins deux ans",
                    ),
                    (
                        "manager",
                        "Je dirige une société inscrite dans la commune depuis au moins deux ans",
                    ),
                ),
            ),
            _field(
                "birth_place",
                "Commune et pays de naissance",
                FieldType.TEXT,
                required=True,
                max_length=150,
            ),
            _field("first_registration", "C'est ma première inscription", FieldType.BOOLEAN),
            _field(
                "previous_commune",
                "Commune où vous étiez inscrit avant",
                FieldType.TEXT,
                max_length=150,
            ),
        ),
        documents=(
            _doc("identity", "Pièce d'identité valide ou périmée depuis moins de cinq ans"),
            _doc(
                "proof_of_address",
                "Justificatif de domicile de moins de trois mois",
                valid_days=90,
            ),
        ),
        commitments=(),
        reject_reasons=(
            "Nous n'avons pas trouvé d'attache avec la commune : ni domicile, ni résidence depuis "
            "six mois, ni impôts locaux depuis deux ans.",
        ),
        weight=7,
        outcomes=(90, 4, 3, 3),
        season=((1, 3.0), (2, 2.0), (12, 1.5)),
    ),
    ProcedureSpec(
        code="LOG",
        slug="demande-logement-social",
        title="Demander un logement social",
        summary="Déposer ou renouveler une demande de logement à loyer modéré dans le département.",
        description="Votre demande est enregistrée une seule fois pour tout le département, avec un "
        "numéro unique. Elle est ensuite proposée aux bailleurs des communes que vous choisissez. "
        "Plus vous choisissez de communes, plus vous avez de chances d'obtenir un logement.",
        who_can_apply="Les personnes majeures de nationalité française ou en séjour régulier, dont "
        "les ressources ne dépassent pas les plafonds.",
        what_happens_next="Nous vérifions votre dossier et vous donnons votre numéro unique. Quand "
        "un logement correspond, la commission d'attribution examine votre demande.",
        theme=Theme.HOUSING,
        life_situations=(LifeSituation.HOUSING, LifeSituation.INCOME),
        organisation=DEPARTEMENT.slug,
        unit="habitat",
        legal_basis="Code de la construction et de l'habitation, articles L441-1, L441-2-1 et "
        "R441-2-1 ; code des relations entre le public et l'administration, article L231-4.",
        decision_delay=3,
        decision_delay_unit=DelayUnit.MONTHS,
        implicit_decision=ImplicitDecision.REJECTION,
        fields=(
            *_identity("Votre identité"),
            *_contact("Pour vous joindre"),
            _field(
                "current_housing",
                "Où habitez-vous aujourd'hui ?",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("private_tenant", "Locataire dans le parc privé"),
                    ("social_tenant", "Déjà locataire d'un logement social"),
                    ("hosted", "Hébergé chez un proche"),
                    ("emergency", "En hébergement d'urgence ou sans logement"),
                    ("owner", "Propriétaire"),
                ),
            ),
            _field(
                "household_size",
                "Nombre de personnes à loger",
                FieldType.INTEGER,
                required=True,
                min=1,
                max=12,
            ),
            _field(
                "monthly_income",
                "Ressources mensuelles du foyer (en euros)",
                FieldType.DECIMAL,
                required=True,
                min=0,
                max=20000,
            ),
            _field(
                "communes",
                "Communes souhaitées",
                FieldType.MULTIPLE_CHOICE,
                required=True,
                choices=COMMUNE_CHOICES,
            ),
            _field(
                "rooms",
                "Taille du logement",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("t1", "Studio (T1)"),
                    ("t2", "2 pièces"),
                    ("t3", "3 pièces"),
                    ("t4", "4 pièces"),
                    ("t5", "5 pièces ou plus"),
                ),
            ),
            _field(
                "reason",
                "Pourquoi demandez-vous un logement ?",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("too_small", "Logement trop petit"),
                    ("too_expensive", "Loyer trop cher"),
                    ("unfit", "Logement insalubre ou dangereux"),
                    ("separation", "Séparation ou divorce"),
                    ("disability", "Logement non adapté à un handicap"),
                    ("other", "Autre raison"),
                ),
            ),
            _field(
                "reason_details",
                "Expliquez votre situation",
                FieldType.TEXTAREA,
                required=True,
                max_length=2000,
                show_if={"field": "reason", "equals": "other"},
            ),
            _field(
                "adapted_housing",
                "Une personne du foyer a besoin d'un logement adapté au handicap",
                FieldType.BOOLEAN,
            ),
        ),
        documents=(
            _doc("identity", "Pièce d'identité ou titre de séjour de chaque adulte"),
            _doc("tax_notice", "Dernier avis d'imposition"),
            _doc("situation", "Justificatif de votre situation actuelle", required=False),
        ),
        commitments=(
            (
                CommitmentKind.DECISION,
                1,
                DelayUnit.MONTHS,
                "Nous enregistrons votre demande et vous donnons votre numéro unique sous un mois.",
            ),
        ),
        reject_reasons=(
            "Les ressources du foyer dépassent le plafond pour un logement social de cette taille.",
            "Le titre de séjour demandé n'a pas été fourni.",
        ),
        weight=8,
        outcomes=(55, 20, 15, 10),
    ),
    ProcedureSpec(
        code="REC",
        slug="reclamation",
        title="Faire une réclamation sur le service rendu",
        summary="Quelque chose ne s'est pas bien passé avec nos services : dites-le nous.",
        description="Un délai trop long, un accueil qui ne vous a pas convenu, une erreur dans votre "
        "dossier : votre réclamation est lue par la mission relation aux usagers, qui vous "
        "répond et nous aide à améliorer nos services. Si vous contestez une décision, "
        "indiquez le numéro du dossier.",
        who_can_apply="Toute personne en relation avec les services du Département.",
        what_happens_next="Nous vous répondons sous 15 jours ouvrés en vous expliquant ce que nous "
        "avons vérifié et ce que nous changeons. Si vous le demandez, nous vous appelons.",
        theme=Theme.RELATION,
        life_situations=(LifeSituation.DISSATISFIED,),
        organisation=DEPARTEMENT.slug,
        unit="relation-usagers",
        legal_basis="Code des relations entre le public et l'administration, articles L231-4 (le "
        "silence gardé sur une réclamation vaut rejet) et L411-1 à L411-7 ; programme Services "
        "Publics+, engagement n° 8.",
        decision_delay=2,
        decision_delay_unit=DelayUnit.MONTHS,
        implicit_decision=ImplicitDecision.REJECTION,
        fields=(
            _field(
                "subject",
                "Sujet",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("delay", "Délai de traitement trop long"),
                    ("reception", "Accueil au guichet ou au téléphone"),
                    ("mistake", "Erreur dans mon dossier"),
                    ("information", "Information incomplète ou difficile à comprendre"),
                    ("other", "Autre sujet"),
                ),
            ),
            _field(
                "service",
                "Service concerné",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("habitat", "Habitat et logement"),
                    ("autonomie", "Autonomie (APA)"),
                    ("routes", "Routes départementales"),
                    ("transport", "Transport scolaire"),
                    ("other", "Je ne sais pas"),
                ),
            ),
            _field(
                "case_reference",
                "Numéro du dossier concerné, s'il y en a un",
                FieldType.TEXT,
                max_length=20,
            ),
            _field(
                "description",
                "Que s'est-il passé ?",
                FieldType.TEXTAREA,
                required=True,
                max_length=3000,
            ),
            _field("wants_callback", "Je souhaite être rappelé", FieldType.BOOLEAN),
            _field(
                "callback_phone",
                "Numéro où vous rappeler",
                FieldType.PHONE,
                required=True,
                prefill="phone",
                show_if={"field": "wants_callback", "equals": True},
            ),
        ),
        documents=(
            _doc("letter", "Copie du courrier ou de la décision concernée", required=False),
        ),
        commitments=(
            (
                CommitmentKind.COMPLAINT,
                15,
                DelayUnit.WORKING_DAYS,
                "Nous répondons à votre réclamation sous 15 jours ouvrés.",
            ),
        ),
        reject_reasons=(
            "Après vérification, le délai annoncé pour votre dossier a été respecté. Nous avons "
            "toutefois rappelé à l'équipe de vous tenir informé plus souvent.",
            "La décision que vous contestez est conforme au règlement départemental d'aide "
            "sociale ; vous pouvez saisir le tribunal administratif.",
        ),
        weight=4,
        outcomes=(55, 30, 10, 5),
    ),
    ProcedureSpec(
        code="AFS",
        slug="accompagnement-france-services",
        title="Être accompagné pour une démarche en ligne",
        summary="Un conseiller France Services vous aide, au guichet ou par téléphone.",
        description="Impôts, carte grise, retraite, aides : un conseiller France Services vous aide à "
        "faire votre démarche en ligne, avec vous. Vous pouvez venir sans ordinateur. Le service "
        "est gratuit.",
        who_can_apply="Toute personne, quelle que soit la démarche ou l'administration concernée.",
        what_happens_next="Nous vous proposons un rendez-vous ou un rappel, selon votre choix. "
        "Apportez vos papiers et, si vous en avez, vos identifiants.",
        theme=Theme.RELATION,
        life_situations=(LifeSituation.DIGITAL_HELP,),
        organisation=VILLE.slug,
        unit="france-services",
        legal_basis="Circulaire du Premier ministre n° 6094/SG du 1er juillet 2019 relative à la "
        "création de France Services.",
        decision_delay=10,
        decision_delay_unit=DelayUnit.WORKING_DAYS,
        implicit_decision=ImplicitDecision.NONE,
        fields=(
            _field(
                "administration",
                "Pour quelle administration ?",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("caisse", "Caisse des prestations sociales (aides, allocations)"),
                    ("taxes", "Impôts"),
                    ("ants", "Carte grise, permis de conduire, papiers d'identité"),
                    ("health", "Assurance maladie"),
                    ("pension", "Retraite"),
                    ("employment", "France Travail"),
                    ("other", "Autre"),
                ),
            ),
            _field(
                "need",
                "Ce que vous voulez faire",
                FieldType.TEXTAREA,
                required=True,
                max_length=1000,
            ),
            _field(
                "contact_mode",
                "Comment préférez-vous être aidé ?",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("counter", "Un rendez-vous au guichet"), ("phone", "Un rappel par téléphone")
                ),
            ),
            _field(
                "availability",
                "Vos disponibilités",
                FieldType.MULTIPLE_CHOICE,
                required=True,
                choices=_choices(
                    ("mornings", "Le matin"),
                    ("afternoons", "L'après-midi"),
                    ("saturday", "Le samedi matin"),
                ),
                show_if={"field": "contact_mode", "equals": "counter"},
            ),
            _field(
                "has_device",
                "J'ai un ordinateur ou un téléphone connecté à internet",
                FieldType.BOOLEAN,
            ),
        ),
        documents=(
            _doc(
                "letter",
                "Courrier reçu de l'administration concernée",
                "Si vous en avez reçu un : il nous aide à comprendre ce qui est demandé.",
                required=False,
            ),
        ),
        commitments=(
            (
                CommitmentKind.FIRST_REPLY,
                2,
                DelayUnit.WORKING_DAYS,
                "Nous vous proposons un rendez-vous sous 2 jours ouvrés.",
            ),
        ),
        reject_reasons=(
            "Cette démarche demande un rendez-vous avec l'administration concernée : nous vous "
            "avons donné son numéro et ses horaires.",
        ),
        weight=6,
        outcomes=(85, 2, 8, 5),
        usual_days=7,
    ),
    ProcedureSpec(
        code="APA",
        slug="allocation-personnalisee-autonomie",
        title="Demander l'allocation personnalisée d'autonomie (APA) à domicile",
        summary="Une aide pour payer l'aide à domicile d'une personne de 60 ans ou plus qui perd "
        "son autonomie.",
        description="L'APA finance une partie de l'aide dont une personne âgée a besoin chez elle : "
        "aide à domicile, portage de repas, téléassistance. Une équipe du Département vient "
        "évaluer les besoins avec la personne et ses proches.",
        who_can_apply="Les personnes de 60 ans ou plus qui vivent à domicile et ont besoin d'aide "
        "dans la vie quotidienne, ou un proche pour elles.",
        what_happens_next="Une évaluatrice ou un évaluateur vous appelle pour fixer une visite à "
        "domicile. Vous recevez ensuite une proposition de plan d'aide. Sans notification dans "
        "les deux mois, l'APA est accordée pour un montant forfaitaire.",
        theme=Theme.SOCIAL,
        life_situations=(LifeSituation.AGEING,),
        organisation=DEPARTEMENT.slug,
        unit="autonomie",
        legal_basis="Code de l'action sociale et des familles, articles L232-1 à L232-28, "
        "notamment L232-14 (à défaut de notification dans les deux mois, l'allocation est "
        "réputée accordée pour un montant forfaitaire).",
        decision_delay=2,
        decision_delay_unit=DelayUnit.MONTHS,
        implicit_decision=ImplicitDecision.ACCEPTANCE,
        grants_a_right=True,
        fields=(
            _field(
                "beneficiary_given_name",
                "Prénom de la personne aidée",
                FieldType.TEXT,
                required=True,
                max_length=100,
            ),
            _field(
                "beneficiary_family_name",
                "Nom de la personne aidée",
                FieldType.TEXT,
                required=True,
                max_length=100,
            ),
            _field(
                "beneficiary_birth_date",
                "Date de naissance de la personne aidée",
                FieldType.DATE,
                required=True,
            ),
            _field("for_relative", "Je fais la demande pour un proche", FieldType.BOOLEAN),
            _field(
                "relationship",
                "Votre lien avec la personne aidée",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("child", "Son enfant"), ("spouse", "Son conjoint"), ("other", "Autre proche")
                ),
                show_if={"field": "for_relative", "equals": True},
            ),
            _field("lives_alone", "La personne vit seule", FieldType.BOOLEAN),
            _field(
                "current_help",
                "Aides déjà en place",
                FieldType.MULTIPLE_CHOICE,
                choices=_choices(
                    ("family", "Aide de la famille"),
                    ("nurse", "Infirmier ou infirmière"),
                    ("home_help", "Aide à domicile"),
                    ("meals", "Portage de repas"),
                ),
            ),
            _field(
                "monthly_income",
                "Ressources mensuelles de la personne aidée (en euros)",
                FieldType.DECIMAL,
                required=True,
                min=0,
                max=20000,
            ),
        ),
        documents=(
            _doc("identity", "Pièce d'identité de la personne aidée"),
            _doc("tax_notice", "Dernier avis d'imposition"),
            _doc("bank_details", "Relevé d'identité bancaire (RIB)"),
        ),
        commitments=(
            (
                CommitmentKind.DECISION,
                1,
                DelayUnit.MONTHS,
                "L'évaluation à domicile a lieu sous un mois.",
            ),
        ),
        reject_reasons=(
            "L'évaluation à domicile a montré que la personne reste autonome pour les gestes du "
            "quotidien (GIR 5) : l'APA ne peut pas être accordée. Le service d'aide ménagère de "
            "la caisse de retraite peut vous aider.",
        ),
        weight=5,
        outcomes=(75, 12, 5, 8),
    ),
    ProcedureSpec(
        code="ARS",
        slug="allocation-rentree-scolaire-16-18",
        title="Demander l'allocation de rentrée scolaire pour un jeune de 16 à 18 ans",
        summary="Pour les jeunes de 16 à 18 ans encore scolarisés ou en apprentissage.",
        description="L'allocation de rentrée scolaire est versée automatiquement jusqu'à 16 ans. De "
        "16 à 18 ans, il faut nous dire que le jeune poursuit ses études ou un apprentissage.",
        who_can_apply="Les familles qui touchent déjà des prestations, pour un jeune de 16 à 18 ans "
        "qui étudie ou est apprenti avec un salaire inférieur à 55 % du Smic.",
        what_happens_next="Nous vérifions la situation du jeune et versons l'allocation. Sans "
        "réponse dans les deux mois, la demande est considérée comme refusée.",
        theme=Theme.FAMILY,
        life_situations=(LifeSituation.SCHOOL, LifeSituation.INCOME),
        organisation=CAISSE.slug,
        unit="prestations-familiales",
        legal_basis="Code de la sécurité sociale, articles L543-1 et R543-1 à R543-6 ; code des "
        "relations entre le public et l'administration, article L231-4.",
        decision_delay=2,
        decision_delay_unit=DelayUnit.MONTHS,
        implicit_decision=ImplicitDecision.REJECTION,
        grants_a_right=True,
        fields=(
            _field(
                "young_given_name", "Prénom du jeune", FieldType.TEXT, required=True, max_length=100
            ),
            _field("young_birth_date", "Date de naissance du jeune", FieldType.DATE, required=True),
            _field(
                "situation",
                "Situation à la rentrée",
                FieldType.CHOICE,
                required=True,
                choices=_choices(
                    ("high_school", "Élève au lycée"),
                    ("apprentice", "Apprenti ou apprentie"),
                    ("student", "Étudiant ou étudiante"),
                    ("training", "Autre formation"),
                ),
            ),
            _field("establishment", "Établissement", FieldType.TEXT, required=True, max_length=200),
            _field(
                "apprentice_salary",
                "Salaire mensuel de l'apprenti (en euros)",
                FieldType.DECIMAL,
                required=True,
                min=0,
                max=3000,
                show_if={"field": "situation", "equals": "apprentice"},
            ),
        ),
        documents=(
            _doc("school_certificate", "Certificat de scolarité ou contrat d'apprentissage"),
        ),
        commitments=(),
        reject_reasons=(
            "Le salaire de l'apprenti dépasse 55 % du Smic : l'allocation ne peut pas être versée.",
            "Le jeune a eu 18 ans avant le 15 septembre : il n'ouvre plus droit à l'allocation.",
        ),
        weight=4,
        outcomes=(85, 8, 4, 3),
        season=((7, 2.0), (8, 3.5), (9, 3.0), (10, 1.5)),
    ),
)

STORY_CODES = frozenset(p.code for p in PROCEDURES)


def _spare_codes(letter: str):
    """Three-letter codes starting with ``letter`` that the story does not use."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for second in letters:
        for third in letters:
            code = letter + second + third
            if code not in STORY_CODES:
                yield code


def procedure_specs(organisations: list[OrganisationSpec]) -> list[ProcedureSpec]:
    """The story's procedures, then a copy of the Ville's for each extra commune."""
    specs = list(PROCEDURES)
    spare: dict[str, Iterator[str]] = {}
    for organisation in organisations:
        if not organisation.variant:
            continue
        for procedure in PROCEDURES:
            if procedure.organisation != VILLE.slug:
                continue
            codes = spare.setdefault(procedure.code[0], _spare_codes(procedure.code[0]))
            code = next(codes, None)
            if code is None:
                raise ValueError("Too many organisations: no procedure code left.")
            specs.append(
                replace(
                    procedure,
                    code=code,
                    model_code=procedure.code,
                    slug=f"{procedure.slug}-{code.lower()}",
                    organisation=organisation.slug,
                )
            )
    return specs
