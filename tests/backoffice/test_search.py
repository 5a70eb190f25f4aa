"""The agents' search: people and cases by name (accents or not), reference, email,
phone (spaces and dots ignored) and words of the answers; scoped to the organisation,
other units' cases listed as such and never matched on their content."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse

from parcours.cases import services
from tests.factories import AgentFactory, CaseFactory, PersonFactory, ProcedureFactory

from .conftest import verified

pytestmark = pytest.mark.sqlite


def search(client, query: str):
    return client.get(reverse("backoffice:search"), {"q": query})


@pytest.fixture
def helene(organisation):
    return PersonFactory(
        organisation=organisation,
        given_name="Hélène",
        family_name="Lefèvre",
        email="helene.lefevre@example.org",
        phone="06.45.78.12.90",
    )


@pytest.fixture
def school_case(procedure, helene):
    draft = CaseFactory(
        procedure=procedure,
        person=helene,
        form_data={"subject": "Inscription à l'école Jean-Jaurès", "details": "Garde alternée."},
        situation="Nous déménageons en août.",
    )
    return services.case_submit(case=draft, by=helene.user)


@pytest.fixture
def roads_case(unit_2, helene):
    procedure = ProcedureFactory(handling_unit=unit_2, code="VOI", title="Occupation du trottoir")
    draft = CaseFactory(
        procedure=procedure,
        person=helene,
        form_data={"subject": "Échafaudage confidentiel", "details": ""},
    )
    return services.case_submit(case=draft, by=helene.user)


@pytest.mark.parametrize(
    "query",
    ["Hélène", "helene", "LEFEVRE", "lefèvre hélène", "Lefe", "helene.lefevre@example.org"],
)
def test_people_are_found_by_name_with_or_without_accents_and_by_email(
    as_agent, agent_1, helene, query
):
    response = search(as_agent(agent_1), query)

    assert response.status_code == HTTPStatus.OK
    assert reverse("backoffice:person", args=[helene.pk]) in response.text


@pytest.mark.parametrize("query", ["06 45 78 12 90", "0645781290", "06.45.78", "+33 6 45 78 12 90"])
def test_people_are_found_by_phone_whatever_the_separators(as_agent, agent_1, helene, query):
    response = search(as_agent(agent_1), query)

    assert reverse("backoffice:person", args=[helene.pk]) in response.text


def test_a_case_is_found_by_its_reference(as_agent, agent_1, school_case):
    response = search(as_agent(agent_1), school_case.reference.lower())

    assert reverse("backoffice:case", args=[school_case.reference]) in response.text


@pytest.mark.parametrize("query", ["jean-jaures", "Garde alternée", "demenageons"])
def test_a_case_of_ones_unit_is_found_by_the_words_of_its_answers(
    as_agent, agent_1, school_case, query
):
    response = search(as_agent(agent_1), query)

    assert reverse("backoffice:case", args=[school_case.reference]) in response.text


def test_another_units_case_is_listed_as_such_and_never_found_by_its_content(
    as_agent, agent_1, school_case, roads_case
):
    client = as_agent(agent_1)

    by_name = search(client, "Lefèvre").text
    by_content = search(client, "confidentiel").text

    assert reverse("backoffice:case", args=[roads_case.reference]) in by_name
    assert "hors de vos services" in by_name
    # Its own unit first.
    assert by_name.index(school_case.reference) < by_name.index(roads_case.reference)
    assert reverse("backoffice:case", args=[roads_case.reference]) not in by_content


def test_the_agent_of_the_other_unit_finds_it_by_content(as_agent, agent_2, roads_case):
    response = search(as_agent(agent_2), "echafaudage")

    assert roads_case.reference in response.text
    assert "hors de vos services" not in response.text


def test_people_and_cases_of_another_organisation_are_never_found(client, helene, school_case):
    elsewhere = AgentFactory()
    verified(client, elsewhere.user)

    for query in ("Lefèvre", school_case.reference, "06 45 78 12 90", "jean-jaures"):
        page = search(client, query).text
        assert reverse("backoffice:person", args=[helene.pk]) not in page
        assert reverse("backoffice:case", args=[school_case.reference]) not in page


def test_drafts_are_never_found(as_agent, agent_1, procedure, helene):
    CaseFactory(procedure=procedure, person=helene, form_data={"subject": "Brouillonissime"})

    assert "Brouillonissime" not in search(as_agent(agent_1), "brouillonissime").text
    assert "Aucun dossier ne correspond." in search(as_agent(agent_1), "brouillonissime").text


def test_an_empty_query_shows_only_the_form(as_agent, agent_1, helene):
    response = search(as_agent(agent_1), "   ")

    assert response.status_code == HTTPStatus.OK
    assert "Aucune personne" not in response.text


@pytest.mark.parametrize("role", ["citizen_a", "helper"])
def test_citizens_and_helpers_cannot_search(client, role, request, helene):
    client.force_login(request.getfixturevalue(role).user)

    assert search(client, "Lefèvre").status_code == HTTPStatus.FORBIDDEN


def test_an_agent_without_their_code_is_asked_for_it(client, agent_1, helene):
    client.force_login(agent_1.user)

    response = search(client, "Lefèvre")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("backoffice:verify"))


def test_the_results_page_costs_the_same_queries_for_few_or_many_results(
    as_agent, agent_1, procedure, unit_2, organisation, django_assert_num_queries
):
    client = as_agent(agent_1)
    roads = ProcedureFactory(handling_unit=unit_2, code="VOI")

    def people_with_cases(count):
        for _ in range(count):
            person = PersonFactory(organisation=organisation, family_name="Lefèvre")
            for on in (procedure, roads):
                services.case_submit(case=CaseFactory(procedure=on, person=person), by=person.user)

    people_with_cases(1)
    search(client, "lefevre")
    # session, user, agent, OTP device; the units handled and managed; people; cases
    with django_assert_num_queries(7):
        search(client, "lefevre")
    people_with_cases(6)
    with django_assert_num_queries(7):
        response = search(client, "lefevre")
    assert response.text.count("hors de vos services") >= 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming: PostgreSQL")
def test_postgresql_matches_the_answers_by_french_full_text_search(as_agent, agent_1, school_case):
    response = search(as_agent(agent_1), "inscriptions écoles")

    assert school_case.reference in response.text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the unaccent extension")
def test_without_unaccent_postgresql_still_finds_the_exact_spelling(
    as_agent, agent_1, helene, monkeypatch
):
    from parcours.lib import text_search

    monkeypatch.setitem(text_search._UNACCENT, connection.settings_dict["NAME"], False)
    helene.email = "contact@example.org"
    helene.save()
    client = as_agent(agent_1)

    assert reverse("backoffice:person", args=[helene.pk]) in search(client, "LEFÈVRE").text
    assert reverse("backoffice:person", args=[helene.pk]) not in search(client, "lefevre").text
