"""Data the HTTP benchmarks share (``case_creation.py``, ``load.py``): a one-step
procedure of the demo town without documents, and citizens with an account.

Call after ``django.setup()`` and the migrations, on the bench's own database."""

UNIT = ("bellerive-sur-loire", "cadre-de-vie")


def bench_unit():
    """The demo town's unit that handles the bench's procedure."""
    from parcours.organisations.models import Unit

    return Unit.objects.get(organisation__slug=UNIT[0], slug=UNIT[1])


def add_simple_procedure(*, code: str, slug: str, unit=None):
    """A published procedure of the town with one step (a subject and details), no
    document, and its published version: the shortest real request a person can send."""
    from django.utils import timezone

    from parcours.catalog.models import Procedure, ProcedureVersion

    unit = unit or bench_unit()
    procedure = Procedure.objects.create(
        organisation=unit.organisation,
        code=code,
        slug=slug,
        title="Demander un rendez-vous avec un élu",
        summary="Une demande simple, sans pièce justificative.",
        description="Pour demander à rencontrer l'élu de votre quartier.",
        who_can_apply="Les habitants de la commune.",
        theme="relation",
        handling_unit=unit,
        legal_basis="Code des relations entre le public et l'administration",
        is_published=True,
    )
    ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        published_at=timezone.now(),
        form_definition={
            "fields": [
                {"name": "subject", "label": "Objet", "type": "text", "required": True},
                {"name": "details", "label": "Précisions", "type": "textarea"},
            ]
        },
    )
    return procedure


def add_citizens(count: int, *, prefix: str, family_name: str, unit=None) -> list:
    """``count`` citizens of the town, each a user (``<prefix>-<n>@example.test``, no
    password) and a person record; the users, in order."""
    from parcours.accounts.models import User
    from parcours.people.models import Person

    unit = unit or bench_unit()
    users = []
    for number in range(count):
        user = User.objects.create_user(email=f"{prefix}-{number}@example.test")
        Person.objects.create(
            organisation=unit.organisation,
            user=user,
            given_name="Camille",
            family_name=f"{family_name} {number}",
            email=user.email,
        )
        users.append(user)
    return users
