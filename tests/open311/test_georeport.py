"""Open311 GeoReport v2 at /open311/v2/: every method in JSON and XML, checked against
the open311 organisation's schemas (schemas.py), its errors, keys and jurisdictions."""

import datetime
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from parcours.cases import services as case_services
from parcours.cases.enums import CaseChannel, CaseState
from parcours.cases.models import Case
from parcours.open311.models import Open311Key, Open311Request
from parcours.open311.services import open311_key_revoke
from parcours.people.models import Person
from tests.factories import OrganisationFactory, PersonFactory, ProcedureFactory, UnitFactory

from . import schemas
from .conftest import BASE, STREET_REPORT, report
from .xml import as_text, parse

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db]


def get(client, path: str, fmt: str = "json", **params):
    return client.get(f"{BASE}/{path}.{fmt}", params)


def post(client, data: dict, fmt: str = "json"):
    return client.post(f"{BASE}/requests.{fmt}", data)


def body(response, fmt: str = "json"):
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return response.json()
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return parse(response.content)


def errors_of(response, status: HTTPStatus, fmt: str = "json") -> list[str]:
    assert response.status_code == status, response.content
    if fmt == "json":
        errors = body(response)
        schemas.check(schemas.ERRORS, errors)
        assert all(error["code"] == status for error in errors)
        return [error["description"] for error in errors]
    root, errors = body(response, "xml")
    assert root == "errors"
    assert all(error["code"] == str(int(status)) for error in errors)
    return [error["description"] for error in errors]


def filed(client, key, **extra) -> Case:
    response = post(client, report(key, **extra))
    assert response.status_code == HTTPStatus.OK, response.content
    return Case.objects.get(reference=response.json()[0]["service_request_id"])


# ---------------------------------------------------------------------------
# Services


def test_the_service_list_offers_the_published_street_reports_only(client, street_report, unit_1):
    ProcedureFactory(handling_unit=unit_1, code="SCO")  # not a report
    ProcedureFactory(handling_unit=unit_1, code="OLD", is_geolocated=True, is_published=False)

    response = get(client, "services")

    assert response.status_code == HTTPStatus.OK
    services = body(response)
    schemas.check(schemas.SERVICES, services)
    assert services == [
        {
            "service_code": "SIG",
            "service_name": "Signalement sur la voie publique",
            "description": "Un nid-de-poule, un lampadaire éteint : dites-le nous.",
            "metadata": True,
            "type": "realtime",
            "keywords": "Un problème dans ma rue",
            "group": "Relation avec l'administration",
        }
    ]


def test_the_service_list_in_xml_says_what_the_json_says(client, street_report):
    json_services = body(get(client, "services"))

    root, xml_services = body(get(client, "services", "xml"), "xml")

    assert root == "services"
    assert xml_services == as_text(json_services)


def test_a_service_definition_lists_the_form_fields_as_attributes(client, street_report):
    response = get(client, "services/SIG")

    assert response.status_code == HTTPStatus.OK
    definition = body(response)
    schemas.check(schemas.SERVICE_DEFINITION, definition)
    assert definition["service_code"] == "SIG"
    attributes = {a["code"]: a for a in definition["attributes"]}
    # lat/long, address_string and description fill the form's own fields.
    assert list(attributes) == ["category", "danger", "danger_details"]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3]
    category = attributes["category"]
    assert (category["datatype"], category["required"], category["variable"]) == (
        "singlevaluelist",
        True,
        True,
    )
    assert category["description"] == "Quel problème ?"
    assert {"key": "pothole", "name": "Nid-de-poule ou chaussée abîmée"} in category["values"]
    assert attributes["danger"]["values"] == [
        {"key": "true", "name": "Oui"},
        {"key": "false", "name": "Non"},
    ]
    # Asked only when there is a danger: not required as such, and says when it is.
    details = attributes["danger_details"]
    assert (details["datatype"], details["required"]) == ("text", False)
    assert "danger" in details["datatype_description"]


def test_a_service_definition_in_xml_says_what_the_json_says(client, street_report):
    json_definition = body(get(client, "services/SIG"))

    root, xml_definition = body(get(client, "services/SIG", "xml"), "xml")

    assert root == "service_definition"
    assert xml_definition == as_text(json_definition)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_answers_404_in_the_error_format(client, street_report, fmt):
    descriptions = errors_of(get(client, "services/XYZ", fmt), HTTPStatus.NOT_FOUND, fmt)

    assert descriptions == ["service_code : « XYZ » n'est pas un service de cette administration."]


def test_another_address_under_open311_answers_the_error_format(client, street_report):
    assert errors_of(client.get(f"{BASE}/discovery.json"), HTTPStatus.NOT_FOUND)
    assert errors_of(client.get(f"{BASE}/nothing"), HTTPStatus.NOT_FOUND, "xml")


# ---------------------------------------------------------------------------
# Filing a report


def test_a_report_becomes_a_submitted_case_of_the_street_report_procedure(
    client, street_report, key
):
    response = post(
        client,
        report(
            key,
            email="jeanne@example.org",
            first_name="Jeanne",
            last_name="Leroy",
            phone="06 11 22 33 44",
            media_url="https://photos.example.org/12.jpg",
            account_id="u-42",
            device_id="phone-1",
            **{"attribute[danger]": "true", "attribute[danger_details]": "Il fait nuit."},
        ),
    )

    assert response.status_code == HTTPStatus.OK, response.content
    created = body(response)
    schemas.check(schemas.CREATED, created)
    case = Case.objects.get(reference=created[0]["service_request_id"])
    assert created == [
        {
            "service_request_id": case.reference,
            "service_notice": street_report.what_happens_next,
            "account_id": "u-42",
        }
    ]
    assert (case.state, case.channel, case.procedure) == (
        CaseState.SUBMITTED,
        CaseChannel.OPEN311,
        street_report,
    )
    assert (case.latitude, case.longitude) == (47.8591, 2.0457)
    assert case.form_data == {
        "category": "lighting",
        "location": {"lat": 47.8591, "lng": 2.0457},
        "address_hint": "Devant le 12 rue des Tanneurs",
        "description": "Le lampadaire ne s'allume plus.",
        "danger": True,
        "danger_details": "Il fait nuit.",
    }
    assert case.receipt  # the same receipt as any request
    person = case.person
    assert (person.full_name, person.email, person.phone, person.user) == (
        "Jeanne Leroy",
        "jeanne@example.org",
        "06 11 22 33 44",
        None,
    )
    stored = case.open311_request
    assert (stored.media_url, stored.account_id, stored.device_id) == (
        "https://photos.example.org/12.jpg",
        "u-42",
        "phone-1",
    )


def test_a_report_in_xml_answers_in_xml(client, street_report, key):
    response = post(client, report(key), "xml")

    assert response.status_code == HTTPStatus.OK
    root, created = body(response, "xml")
    assert root == "service_requests"
    assert created == [
        {
            "service_request_id": Case.objects.get().reference,
            "service_notice": street_report.what_happens_next,
            "account_id": None,
        }
    ]


def test_a_report_may_say_where_in_words_only(client, street_report, key):
    case = filed(client, key, lat=None, long=None)

    assert (case.latitude, case.longitude) == (None, None)
    assert case.form_data["address_hint"] == "Devant le 12 rue des Tanneurs"
    assert case.state == CaseState.SUBMITTED


def test_an_anonymous_report_is_filed_on_a_new_record(client, street_report, key):
    case = filed(client, key)

    assert case.person.full_name == "Auteur d'un signalement"
    assert case.person.organisation == street_report.organisation


def test_a_report_joins_the_record_of_a_person_known_by_another_channel(
    client, street_report, key, organisation
):
    known = PersonFactory(organisation=organisation, offline=True, email="jeanne@example.org")

    case = filed(client, key, email="Jeanne@Example.org")

    assert case.person == known


def test_a_report_never_lands_in_the_space_of_a_person_with_an_account(
    client, street_report, key, citizen_a
):
    case = filed(client, key, email=citizen_a.email)

    assert case.person != citizen_a
    assert not Case.objects.filter(person=citizen_a).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"lat": None, "long": None, "address_string": None},
            "lat/long : indiquez l'endroit, par lat et long, ou par address_string.",
        ),
        ({"long": None}, "lat/long : envoyez la latitude et la longitude ensemble."),
        ({"lat": "95"}, "lat : indiquez un nombre entre -90 et 90 (WGS84)."),
        ({"long": "nord"}, "long : indiquez un nombre entre -180 et 180 (WGS84)."),
        (
            {"attribute[category]": "volcano"},
            "attribute[category] : « Quel problème ? » : choisissez une des options proposées.",
        ),
        (
            {"attribute[category]": None},
            "attribute[category] : « Quel problème ? » est obligatoire.",
        ),
        (
            {"attribute[danger]": "true"},
            "attribute[danger_details] : « Quel danger ? » est obligatoire.",
        ),
        (
            {"attribute[colour]": "red"},
            "attribute[colour] : ce service n'a pas cet attribut (voir sa définition).",
        ),
        ({"description": None}, "description : « Décrivez le problème » est obligatoire."),
        ({"description": "x" * 4001}, "description : 4000 caractères au plus (4001 reçus)."),
        (
            {"description": "x" * 1001},
            "description : « Décrivez le problème » ne doit pas dépasser 1000 caractères "
            "(1001 saisis).",
        ),
        ({"email": "jeanne"}, "email : saisissez une adresse de la forme nom@domaine.fr."),
        ({"media_url": "photo.jpg"}, "media_url : indiquez une adresse web complète (https://…)."),
        ({"service_code": None}, "service_code : ce paramètre est obligatoire."),
    ],
)
def test_a_bad_report_is_refused_saying_which_argument_and_why(
    client, street_report, key, changes, message
):
    response = post(client, report(key, **changes))

    assert message in errors_of(response, HTTPStatus.BAD_REQUEST)
    assert not Case.objects.exists()
    assert not Person.objects.exists()


def test_every_fault_of_a_report_is_told_at_once(client, street_report, key):
    response = post(
        client, report(key, description=None, **{"attribute[category]": "volcano"}), "xml"
    )

    descriptions = errors_of(response, HTTPStatus.BAD_REQUEST, "xml")
    assert len(descriptions) == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_report_without_a_key_is_refused_with_403(client, street_report, fmt):
    response = post(client, report(), fmt)

    assert errors_of(response, HTTPStatus.FORBIDDEN, fmt) == [
        "api_key : une clé est obligatoire pour envoyer un signalement."
    ]
    assert not Case.objects.exists()


def test_a_wrong_or_revoked_key_is_refused(client, street_report, key, administrator):
    assert errors_of(post(client, report("o311_nope")), HTTPStatus.FORBIDDEN) == [
        "api_key : cette clé n'est pas valide."
    ]
    open311_key_revoke(key=Open311Key.objects.get(), by=administrator)
    assert errors_of(post(client, report(key)), HTTPStatus.FORBIDDEN) == [
        "api_key : cette clé a été révoquée."
    ]
    assert not Case.objects.exists()


def test_a_key_of_another_administration_is_refused(client, street_report, key):
    other = UnitFactory(organisation=OrganisationFactory(slug="ailleurs"))
    ProcedureFactory(handling_unit=other, code="RUE", is_geolocated=True)

    response = post(client, report(key, jurisdiction_id="ailleurs", service_code="RUE"))

    assert errors_of(response, HTTPStatus.FORBIDDEN) == [
        "api_key : cette clé ne vaut pas pour cette administration."
    ]


def test_a_key_whose_issuer_has_left_is_refused(client, street_report, key, administrator):
    administrator.user.is_active = False
    administrator.user.save()

    descriptions = errors_of(post(client, report(key)), HTTPStatus.FORBIDDEN)

    assert "n'est plus en fonction" in descriptions[0]


def test_a_signed_in_session_is_no_key_and_csrf_is_not_asked(
    street_report, key, agent_2, citizen_a
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent_2.user)
    assert errors_of(post(client, report()), HTTPStatus.FORBIDDEN)

    response = post(client, report(key))

    assert response.status_code == HTTPStatus.OK


def test_the_key_records_when_it_was_last_used(client, street_report, key):
    filed(client, key)

    assert Open311Key.objects.get().last_used_at is not None


# ---------------------------------------------------------------------------
# Reading requests, tokens


def test_a_request_shows_where_what_and_its_status_never_who(client, street_report, key):
    case = filed(
        client,
        key,
        email="jeanne@example.org",
        last_name="Leroy",
        media_url="https://photos.example.org/12.jpg",
    )

    response = get(client, f"requests/{case.reference}")

    assert response.status_code == HTTPStatus.OK
    requests = body(response)
    schemas.check(schemas.REQUESTS, requests)
    (request,) = requests
    assert request["service_request_id"] == case.reference
    assert (request["status"], request["status_notes"]) == ("open", None)
    assert (request["service_code"], request["service_name"]) == ("SIG", street_report.title)
    assert request["description"] == "Le lampadaire ne s'allume plus."
    assert request["address"] == "Devant le 12 rue des Tanneurs"
    assert (request["lat"], request["long"]) == (47.8591, 2.0457)
    assert request["media_url"] == "https://photos.example.org/12.jpg"
    assert request["agency_responsible"] == case.unit.name
    assert "Leroy" not in response.content.decode()
    assert "jeanne@" not in response.content.decode()
    root, xml_requests = body(get(client, f"requests/{case.reference}", "xml"), "xml")
    assert root == "service_requests"
    assert xml_requests == as_text(requests)


def test_the_status_and_its_notes_follow_the_case(client, street_report, key, agent_2):
    case = filed(client, key)
    case_services.case_start_review(case=case, by=agent_2.user)
    assert body(get(client, f"requests/{case.reference}"))[0]["status"] == "open"

    case_services.case_close_without_action(
        case=case, by=agent_2.user, reason="Réparé le 3 décembre par l'équipe de nuit."
    )

    (request,) = body(get(client, f"requests/{case.reference}"))
    schemas.check(schemas.REQUESTS, [request])
    assert request["status"] == "closed"
    assert request["status_notes"] == "Réparé le 3 décembre par l'équipe de nuit."
    case.refresh_from_db()
    assert request["updated_datetime"] == timezone.localtime(case.decided_at).isoformat(
        timespec="seconds"
    )
    closed = body(get(client, "requests", status="closed"))
    assert [r["service_request_id"] for r in closed] == [case.reference]
    assert body(get(client, "requests", status="open")) == []


def test_a_report_made_on_the_site_keeps_its_text_private(client, street_report, citizen_a):
    draft = case_services.case_create_draft(
        person=citizen_a,
        procedure=street_report,
        by=citizen_a.user,
        form_data={
            "category": "pothole",
            "location": {"lat": 47.85, "lng": 2.05},
            "description": "Devant chez moi, au 3 rue Haute, Alice Durand.",
        },
    )
    case = case_services.case_submit(case=draft, by=citizen_a.user)

    (request,) = body(get(client, f"requests/{case.reference}"))

    assert request["description"] is None
    assert (request["lat"], request["long"]) == (47.85, 2.05)
    assert "Alice" not in str(request)


def test_the_requests_filters(client, street_report, key, unit_2):
    first, second, third = filed(client, key), filed(client, key), filed(client, key)
    old = timezone.now() - datetime.timedelta(days=120)
    Case.objects.filter(pk=third.pk).update(submitted_at=old)

    def ids(**params):
        response = get(client, "requests", **params)
        assert response.status_code == HTTPStatus.OK, response.content
        schemas.check(schemas.REQUESTS, response.json())
        return {r["service_request_id"] for r in response.json()}

    # The last 90 days by default; a list of identifiers overrides every other filter.
    assert ids() == {first.reference, second.reference}
    assert ids(service_request_id=f"{first.reference},{third.reference}", status="closed") == {
        first.reference,
        third.reference,
    }
    assert ids(service_code="SIG,XYZ") == {first.reference, second.reference}
    assert ids(service_code="XYZ") == set()
    start = (old - datetime.timedelta(days=1)).isoformat()
    end = (old + datetime.timedelta(days=1)).isoformat()
    assert ids(start_date=start, end_date=end) == {third.reference}
    assert ids(start_date=start) == {third.reference}
    assert ids(status="open,closed") == {first.reference, second.reference}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "end_date : l'intervalle de start_date à end_date ne doit pas dépasser 90 jours.",
        ),
        (
            {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "end_date : cette date doit suivre start_date.",
        ),
        (
            {"start_date": "hier"},
            "start_date : indiquez une date et une heure avec leur fuseau, par exemple "
            "2026-11-01T00:00:00Z.",
        ),
        (
            {"end_date": "2026-01-01T00:00:00"},
            "end_date : indiquez une date et une heure avec leur fuseau, par exemple "
            "2026-11-01T00:00:00Z.",
        ),
        ({"status": "pending"}, "status : « pending » n'est pas un état Open311 (open ou closed)."),
    ],
)
def test_bad_filters_are_refused_saying_why(client, street_report, params, message):
    assert errors_of(get(client, "requests", **params), HTTPStatus.BAD_REQUEST) == [message]


def test_the_requests_in_xml_say_what_the_json_says(client, street_report, key):
    filed(client, key)
    filed(client, key, lat=None, long=None)

    root, xml_requests = body(get(client, "requests", "xml"), "xml")

    assert root == "service_requests"
    assert xml_requests == as_text(body(get(client, "requests")))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_answers_404(client, street_report, fmt):
    response = get(client, "requests/2026-SIG-999999", fmt)

    assert errors_of(response, HTTPStatus.NOT_FOUND, fmt) == [
        "service_request_id : aucun signalement « 2026-SIG-999999 » ici."
    ]


def test_a_case_of_another_procedure_is_no_request(client, street_report, submitted_case):
    assert errors_of(get(client, f"requests/{submitted_case.reference}"), HTTPStatus.NOT_FOUND)


@pytest.fixture
def submitted_case(procedure, citizen_a):
    draft = case_services.case_create_draft(
        person=citizen_a,
        procedure=procedure,
        by=citizen_a.user,
        form_data={"subject": "Inscription"},
    )
    return case_services.case_submit(case=draft, by=citizen_a.user)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_gives_the_request_id(client, street_report, key, fmt):
    case = filed(client, key)
    token = str(Open311Request.objects.get(case=case).token)

    response = get(client, f"tokens/{token}", fmt)

    assert response.status_code == HTTPStatus.OK
    expected = [{"service_request_id": case.reference, "token": token}]
    if fmt == "json":
        schemas.check(schemas.TOKENS, body(response))
        assert body(response) == expected
    else:
        assert body(response, "xml") == ("service_requests", expected)


@pytest.mark.parametrize("token", ["123456", "5d1c2c4e-0000-4000-8000-000000000000"])
def test_an_unknown_token_answers_404(client, street_report, token):
    assert errors_of(get(client, f"tokens/{token}"), HTTPStatus.NOT_FOUND) == [
        "token : aucun signalement n'a ce jeton ici."
    ]


# ---------------------------------------------------------------------------
# Jurisdictions, rate limit


def test_the_jurisdiction_may_be_left_out_while_one_administration_is_served(client, street_report):
    assert get(client, "services").status_code == HTTPStatus.OK
    assert get(client, "services", jurisdiction_id="bellerive").status_code == HTTPStatus.OK


def test_the_jurisdiction_is_required_once_several_administrations_are_served(
    client, street_report
):
    other = OrganisationFactory(slug="ailleurs", website="https://www.ailleurs.example.org/")
    ProcedureFactory(handling_unit=UnitFactory(organisation=other), code="RUE", is_geolocated=True)

    descriptions = errors_of(get(client, "services", "xml"), HTTPStatus.BAD_REQUEST, "xml")

    assert descriptions == [
        "jurisdiction_id : ce paramètre est obligatoire, car ce serveur reçoit les "
        "signalements de plusieurs administrations (ailleurs, bellerive)."
    ]
    codes = [s["service_code"] for s in body(get(client, "services", jurisdiction_id="ailleurs"))]
    assert codes == ["RUE"]
    # The website's host, without www., as the specification suggests.
    by_host = body(get(client, "services", jurisdiction_id="ailleurs.example.org"))
    assert [s["service_code"] for s in by_host] == ["RUE"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_jurisdiction_answers_404(client, street_report, fmt):
    response = get(client, "services", fmt, jurisdiction_id="nowhere.example.org")

    assert errors_of(response, HTTPStatus.NOT_FOUND, fmt) == [
        "jurisdiction_id : aucune administration ne répond à « nowhere.example.org » ici."
    ]


def test_too_many_requests_are_refused_until_the_next_window(client, street_report, settings):
    settings.PARCOURS_OPEN311_RATE_LIMIT = 2

    assert get(client, "services").status_code == HTTPStatus.OK
    assert get(client, "services/SIG").status_code == HTTPStatus.OK
    response = get(client, "services")

    assert errors_of(response, HTTPStatus.TOO_MANY_REQUESTS)
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_key_has_its_own_count(client, street_report, key, settings):
    settings.PARCOURS_OPEN311_RATE_LIMIT = 1
    filed(client, key)

    assert errors_of(post(client, report(key)), HTTPStatus.TOO_MANY_REQUESTS)
    assert Case.objects.count() == 1


def test_wrong_keys_are_counted_per_address_so_keys_cannot_be_guessed(
    client, street_report, settings
):
    settings.PARCOURS_OPEN311_RATE_LIMIT = 2
    for guess in ("cle-1", "cle-2"):
        assert errors_of(post(client, report(guess)), HTTPStatus.FORBIDDEN)

    response = post(client, report("cle-3"))

    assert errors_of(response, HTTPStatus.TOO_MANY_REQUESTS)
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_street_report_form_is_the_demo_one():
    fields = {f["name"]: f for f in STREET_REPORT.definition["fields"]}
    assert fields["description"]["open311"] == "description"
    assert fields["address_hint"]["open311"] == "address_string"
