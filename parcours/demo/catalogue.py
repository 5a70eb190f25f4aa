"""The demo's procedures (démarches): each is a shareable file in ``procedures/``, in the
studio's exchange format (docs/procedure-format.md), read and checked by the studio's
import (``parcours.studio.exchange``). What only the demo needs stays here: which
administration offers it, how many requests it gets and when, the outcomes' mix and the
reasons given for a refusal. ``answers`` fills the forms in for the generated cases.
"""

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from parcours.catalog.enums import CommitmentKind, DelayUnit
from parcours.studio import exchange

from .story import CAISSE, DEPARTEMENT, VILLE, OrganisationSpec

PROCEDURES_DIR = Path(__file__).resolve().parent / "procedures"


@functools.cache
def procedure_file(name: str) -> dict:
    """The file ``procedures/<name>.json``, read and checked as the studio imports it."""
    return exchange.read((PROCEDURES_DIR / f"{name}.json").read_bytes())


@functools.cache
def _content(name: str) -> dict:
    return exchange.content_of(procedure_file(name))


def _written(section: str, name: str) -> property:
    """A key of the file's public page or legal settings, read-only (lists as tuples)."""

    def read(spec: "ProcedureSpec"):
        value = _content(spec.file)[section][name]
        return tuple(value) if isinstance(value, list) else value

    return property(read)


@dataclass(frozen=True)
class ProcedureSpec:
    file: str  # the name of its file in procedures/, without .json
    organisation: str  # OrganisationSpec.slug
    reject_reasons: tuple[str, ...]
    # Relative number of cases, and the mix of explicit outcomes
    # (accepted, rejected, closed without action, withdrawn).
    weight: int
    outcomes: tuple[int, int, int, int]
    # Months (1-12) when requests are more frequent, and by how much.
    season: tuple[tuple[int, float], ...] = ()
    # For procedures without implicit decision: how long handling usually takes (days).
    usual_days: int = 20
    # The code and address of the procedure: the file's, unless a copy sets others.
    code: str = field(default="")
    slug: str = field(default="")
    # The story procedure this one copies (extra communes); its code otherwise.
    model_code: str = ""

    def __post_init__(self):
        data = procedure_file(self.file)
        if not self.code:
            object.__setattr__(self, "code", data["code"])
        if not self.slug:
            object.__setattr__(self, "slug", data["slug"])

    @property
    def form_key(self) -> str:
        return self.model_code or self.code

    # -- what the file says -------------------------------------------------------

    @property
    def content(self) -> dict:
        """The version's content (public page, legal settings, routing, private fields,
        commitments, messages), as the import stores it."""
        return copy.deepcopy(_content(self.file))

    @property
    def definition(self) -> dict:
        return copy.deepcopy(procedure_file(self.file)["form"])

    @property
    def fields(self) -> tuple[dict, ...]:
        return tuple(self.definition["fields"])

    @property
    def documents(self) -> tuple[dict, ...]:
        return tuple(copy.deepcopy(procedure_file(self.file).get("documents", [])))

    @property
    def unit(self) -> str:
        """The unit (UnitSpec.slug) that handles it: the file's default routing."""
        return _content(self.file)["routing"]["default_unit"]

    @property
    def commitments(self) -> tuple[tuple[str, int, str, str], ...]:
        return tuple(
            (c["kind"], c["target"], c["target_unit"], c["wording"])
            for c in _content(self.file)["commitments"]
        )

    # The public page and the legal settings, as the catalogue and the receipts read them.
    title = _written("public", "title")
    summary = _written("public", "summary")
    description = _written("public", "description")
    who_can_apply = _written("public", "who_can_apply")
    what_happens_next = _written("public", "what_happens_next")
    theme = _written("public", "theme")
    life_situations = _written("public", "life_situations")
    legal_basis = _written("legal", "legal_basis")
    decision_delay = _written("legal", "decision_delay")
    decision_delay_unit = _written("legal", "decision_delay_unit")
    implicit_decision = _written("legal", "implicit_decision")
    grants_a_right = _written("legal", "grants_a_right")
    is_geolocated = _written("legal", "is_geolocated")
    appeal_routes = _written("legal", "appeal_routes")


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
        file="inscription-scolaire",
        organisation=VILLE.slug,
        reject_reasons=(
            "Il n'y a plus de place dans l'école demandée et votre adresse dépend d'un autre secteur. Nous vous proposons l'école Marie-Curie, où votre enfant est attendu.",
            "Votre adresse n'est pas dans la commune : l'inscription doit être faite dans la mairie de votre domicile.",
        ),
        weight=14,
        outcomes=(88, 4, 4, 4),
        season=((3, 2.0), (4, 2.5), (5, 2.5), (6, 1.8), (8, 1.5), (9, 1.8)),
    ),
    ProcedureSpec(
        file="carte-stationnement-resident",
        organisation=VILLE.slug,
        reject_reasons=(
            "Votre adresse n'est pas dans une zone de stationnement résident : la carte ne peut pas être délivrée. Le parking de la Gare propose un abonnement mensuel.",
            "La carte grise n'est ni à votre nom ni à celui de votre employeur.",
        ),
        weight=10,
        outcomes=(80, 10, 5, 5),
    ),
    ProcedureSpec(
        file="aide-au-logement",
        organisation=CAISSE.slug,
        reject_reasons=(
            "Les ressources de votre foyer dépassent le plafond : l'aide calculée est inférieure à 10 € par mois, montant en dessous duquel elle n'est pas versée.",
            "Le logement est loué par un parent proche (ascendant) : la loi ne permet pas de verser l'aide dans ce cas.",
        ),
        weight=12,
        outcomes=(70, 20, 5, 5),
        season=((8, 1.6), (9, 2.0), (10, 1.4)),
    ),
    ProcedureSpec(
        file="signalement-voie-publique",
        organisation=VILLE.slug,
        reject_reasons=(
            "Cet endroit est une voie privée : la commune ne peut pas y intervenir. Nous avons prévenu le syndic de la résidence.",
        ),
        weight=14,
        outcomes=(82, 3, 12, 3),
        season=((1, 1.3), (7, 1.3), (12, 1.3)),
        usual_days=12,
    ),
    ProcedureSpec(
        file="attestation-accueil",
        organisation=VILLE.slug,
        reject_reasons=(
            "Le logement ne permet pas d'accueillir ces personnes dans des conditions normales : la surface est inférieure à 9 m² par personne.",
            "Le timbre fiscal n'a pas été fourni malgré notre demande.",
        ),
        weight=6,
        outcomes=(75, 12, 8, 5),
        season=((5, 1.5), (6, 1.8), (7, 1.5), (11, 1.3), (12, 1.5)),
    ),
    ProcedureSpec(
        file="inscription-listes-electorales",
        organisation=VILLE.slug,
        reject_reasons=(
            "Nous n'avons pas trouvé d'attache avec la commune : ni domicile, ni résidence depuis six mois, ni impôts locaux depuis deux ans.",
        ),
        weight=7,
        outcomes=(90, 4, 3, 3),
        season=((1, 3.0), (2, 2.0), (12, 1.5)),
    ),
    ProcedureSpec(
        file="demande-logement-social",
        organisation=DEPARTEMENT.slug,
        reject_reasons=(
            "Les ressources du foyer dépassent le plafond pour un logement social de cette taille.",
            "Le titre de séjour demandé n'a pas été fourni.",
        ),
        weight=8,
        outcomes=(55, 20, 15, 10),
    ),
    ProcedureSpec(
        file="reclamation",
        organisation=DEPARTEMENT.slug,
        reject_reasons=(
            "Après vérification, le délai annoncé pour votre dossier a été respecté. Nous avons toutefois rappelé à l'équipe de vous tenir informé plus souvent.",
            "La décision que vous contestez est conforme au règlement départemental d'aide sociale ; vous pouvez saisir le tribunal administratif.",
        ),
        weight=4,
        outcomes=(55, 30, 10, 5),
    ),
    ProcedureSpec(
        file="accompagnement-france-services",
        organisation=VILLE.slug,
        reject_reasons=(
            "Cette démarche demande un rendez-vous avec l'administration concernée : nous vous avons donné son numéro et ses horaires.",
        ),
        weight=6,
        outcomes=(85, 2, 8, 5),
        usual_days=7,
    ),
    ProcedureSpec(
        file="allocation-personnalisee-autonomie",
        organisation=DEPARTEMENT.slug,
        reject_reasons=(
            "L'évaluation à domicile a montré que la personne reste autonome pour les gestes du quotidien (GIR 5) : l'APA ne peut pas être accordée. Le service d'aide ménagère de la caisse de retraite peut vous aider.",
        ),
        weight=5,
        outcomes=(75, 12, 5, 8),
    ),
    ProcedureSpec(
        file="allocation-rentree-scolaire-16-18",
        organisation=CAISSE.slug,
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
