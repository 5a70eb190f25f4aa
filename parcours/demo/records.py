"""What the generator remembers of the rows it wrote, to link the next ones to them."""

import datetime
from dataclasses import dataclass, field
from random import Random

from . import data, story
from .catalogue import ProcedureSpec
from .timeline import Rule


@dataclass(slots=True)
class AgentInfo:
    id: int
    user_id: int
    name: str
    title: str
    role: str


@dataclass(slots=True)
class UnitInfo:
    id: int
    organisation_id: int
    spec: story.UnitSpec
    agents: list[AgentInfo] = field(default_factory=list)
    pool: list[AgentInfo] = field(default_factory=list)  # who handles its cases


@dataclass(slots=True)
class OrganisationInfo:
    id: int
    spec: story.OrganisationSpec
    units: dict[str, UnitInfo]
    helpers: list[AgentInfo] = field(default_factory=list)


@dataclass(slots=True)
class PersonInfo:
    id: int
    user_id: int | None
    full_name: str
    given_name: str
    family_name: str
    phone: str
    birth_place: str
    # What the forms take from the record (tell us once).
    birth_date: datetime.date | None = None
    email: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""


@dataclass(slots=True)
class Pool:
    everyone: list[PersonInfo] = field(default_factory=list)
    online: list[PersonInfo] = field(default_factory=list)

    @staticmethod
    def _pick(rng: Random, people: list[PersonInfo]) -> PersonInfo:
        # A few people have many cases, most have one or two.
        return people[int(len(people) * rng.random() ** 1.6)]

    def anyone(self, rng: Random) -> PersonInfo:
        return self._pick(rng, self.everyone)

    def signed_in(self, rng: Random) -> PersonInfo:
        return self._pick(rng, self.online)


class ProcedureReasons:
    """Plain-French reasons for one procedure's transitions."""

    def __init__(self, spec: ProcedureSpec, unit_phone: str):
        labels = [d["label"] for d in spec.documents if d["required"]]
        self.requests = [
            f"Il nous manque la pièce « {label} ». Vous pouvez l'ajouter dans votre espace, "
            "l'envoyer par courrier ou l'apporter au guichet."
            for label in labels
        ] + [
            f"Le document « {label} » que vous avez envoyé est illisible. Pouvez-vous nous "
            "l'envoyer à nouveau ?"
            for label in labels[:1]
        ]
        if not self.requests:
            self.requests = [
                "Nous avons besoin de quelques précisions sur votre demande : appelez-nous au "
                f"{unit_phone}, ou répondez à ce message."
            ]
        self.rejections = spec.reject_reasons

    def request(self, rng: Random) -> str:
        return rng.choice(self.requests)

    def reject(self, rng: Random) -> str:
        return rng.choice(self.rejections)

    def close(self, rng: Random) -> str:
        return rng.choice(data.CLOSE_REASONS)

    def close_no_answer(self) -> str:
        return data.CLOSE_NO_ANSWER_REASON

    def accept(self, rng: Random) -> str:
        return rng.choice(data.ACCEPT_REASONS)

    def withdraw(self, rng: Random) -> str:
        return rng.choice(data.WITHDRAW_REASONS)

    def reopen(self, rng: Random) -> str:
        return rng.choice(data.REOPEN_REASONS)


@dataclass(slots=True)
class ProcedureInfo:
    id: int
    version_id: int
    spec: ProcedureSpec
    organisation: OrganisationInfo
    unit: UnitInfo
    rule: Rule
    usual_days: int
    reasons: ProcedureReasons
    receipt: tuple  # the mentions frozen on every receipt, after person_name
    channels: tuple[list[str], list[float], list[str], list[float]]  # office, out of hours
    box: tuple[tuple[float, float], tuple[float, float]] | None


def share(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), exactly."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
