"""factory_boy factories with traits, and the fixed cast every view test uses."""

import datetime

import factory
from django.utils import timezone

from parcours.accounts.models import User
from parcours.cases.enums import CaseChannel
from parcours.cases.models import Case
from parcours.catalog.enums import ImplicitDecision, Theme
from parcours.catalog.models import Procedure, ProcedureVersion
from parcours.organisations.enums import AgentRole, OrganisationKind
from parcours.organisations.models import Agent, Organisation, Unit
from parcours.people.models import Person

SIMPLE_FORM = {
    "fields": [
        {"name": "subject", "label": "Objet de la demande", "type": "text", "required": True},
        {"name": "details", "label": "Précisions", "type": "textarea"},
    ]
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("motdepasse-de-test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Ville n° {n}")
    slug = factory.Sequence(lambda n: f"ville-{n}")
    kind = OrganisationKind.COMMUNE
    address = "1 place de la Mairie\n45000 Bellerive"
    email = "contact@ville.example.org"
    phone = "02 38 00 00 00"
    administrative_court = "Tribunal administratif d'Orléans"
    administrative_court_address = "28 rue de la Bretonnerie\n45057 Orléans Cedex 1"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service n° {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    street = "1 place de la Mairie"
    postcode = "45000"
    city = "Bellerive"
    email = "service@ville.example.org"
    phone = "02 38 00 00 01"
    territory = "Commune de Bellerive"


class AgentFactory(factory.django.DjangoModelFactory):
    """``AgentFactory(unit=u)`` makes an agent of unit ``u`` (and of its organisation)."""

    class Meta:
        model = Agent
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = AgentRole.AGENT
    title = "Instructeur"

    class Params:
        manager = factory.Trait(role=AgentRole.UNIT_MANAGER, title="Responsable de service")

    @classmethod
    def create(cls, **kwargs):
        unit = kwargs.pop("unit", None)
        if unit is not None:
            kwargs.setdefault("organisation", unit.organisation)
            kwargs.setdefault("units", [unit])
        return super().create(**kwargs)

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create:
            self.units.set(extracted or [UnitFactory(organisation=self.organisation)])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    given_name = factory.Faker("first_name", locale="fr_FR")
    family_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.SelfAttribute("user.email")
    phone = "06 12 34 56 78"
    street = "3 rue des Lilas"
    postcode = "45000"
    city = "Bellerive"

    class Params:
        offline = factory.Trait(user=None, email="")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    organisation = factory.SelfAttribute("handling_unit.organisation")
    handling_unit = factory.SubFactory(UnitFactory)
    code = factory.Sequence(lambda n: "".join(chr(65 + (n // 26**i) % 26) for i in (2, 1, 0)))
    slug = factory.Sequence(lambda n: f"demarche-{n}")
    title = factory.Sequence(lambda n: f"Démarche n° {n}")
    summary = "Demander quelque chose à la mairie."
    description = "Cette démarche sert à demander quelque chose."
    who_can_apply = "Toute personne habitant la commune."
    theme = Theme.RELATION
    legal_basis = "Code des relations entre le public et l'administration"
    implicit_decision = ImplicitDecision.ACCEPTANCE
    is_published = True

    class Params:
        silence_rejects = factory.Trait(implicit_decision=ImplicitDecision.REJECTION)
        no_implicit_decision = factory.Trait(implicit_decision=ImplicitDecision.NONE)
        grant_of_right = factory.Trait(grants_a_right=True)

    @factory.post_generation
    def version(self, create, extracted, **kwargs):
        if create:
            ProcedureVersion.objects.create(
                procedure=self,
                organisation=self.organisation,
                number=1,
                form_definition=extracted or SIMPLE_FORM,
                published_at=timezone.now(),
            )


def rewrite_published_version(version: ProcedureVersion) -> ProcedureVersion:
    """Test set-up only: store the form and documents set on a published version, in
    place, as no administrator can (``ProcedureVersion.save`` refuses it)."""
    ProcedureVersion.objects.filter(pk=version.pk).update(
        form_definition=version.form_definition,
        required_documents=version.required_documents,
    )
    return version


class CaseFactory(factory.django.DjangoModelFactory):
    """A draft. Use the services to move it through the life cycle."""

    class Meta:
        model = Case

    procedure = factory.SubFactory(ProcedureFactory)
    organisation = factory.SelfAttribute("procedure.organisation")
    procedure_version = factory.LazyAttribute(lambda o: o.procedure.current_version)
    unit = factory.SelfAttribute("procedure.handling_unit")
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    channel = CaseChannel.ONLINE
    form_data = factory.LazyFunction(lambda: {"subject": "Ma demande", "details": "Merci."})
    created_by = factory.SelfAttribute("person.user")


def date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)
