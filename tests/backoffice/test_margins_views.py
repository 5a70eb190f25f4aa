"""The margins' pages on a case and the managers' report: every role's denials, each
page's post/redirect/get, what the case page and the citizen show, and the report's
content, filters and CSV."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parcours.cases import casework, margins, queue, services
from parcours.cases.enums import MarginKind
from parcours.cases.models import Case, MarginUse
from parcours.contacts.models import MessageTemplate
from tests.cases.test_documents_service import PDF
from tests.factories import AgentFactory, ProcedureFactory, rewrite_published_version

from .conftest import OUTSIDERS, assert_refused, sign_in_as, submit, verified
from .conftest import case_url as url

pytestmark = pytest.mark.sqlite

DOCUMENTS = [
    {"code": "domicile", "label": "Justificatif de domicile"},
    {"code": "identite", "label": "Pièce d'identité"},
]
PAGES = ["case_extend_deadline", "case_waive_document", "case_fast_track"]
POSTED = {
    "due_on": (timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
    "code": "identite",
    "reason": "Un motif.",
}


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def colleague(unit_1):
    return AgentFactory(unit=unit_1, title="Instructeur")


@pytest.fixture
def awaiting(submitted, agent_1):
    """Held by agent 1, awaiting the citizen's proof of address within 10 days."""
    submitted.procedure_version.required_documents = DOCUMENTS
    rewrite_published_version(submitted.procedure_version)
    held = queue.case_take(case=submitted, by=agent_1.user)
    return casework.case_ask_for_information(
        case=held, by=agent_1.user, missing="", document_codes=["domicile"], due_on=in_days(10)
    )


def report_url(unit):
    return reverse("backoffice:margins_report", args=[unit.slug])


# ---------------------------------------------------------------------------
# Denials


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("role", "expected"),
    OUTSIDERS,
)
def test_nobody_outside_the_unit_reaches_a_margin(
    client, request, awaiting, name, method, role, expected
):
    client = sign_in_as(client, role, request)

    response = getattr(client, method)(url(name, awaiting), POSTED if method == "post" else None)

    assert_refused(response, expected)
    assert not MarginUse.objects.exists()


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_colleague_who_does_not_hold_the_case_is_sent_back(
    client, awaiting, colleague, name, method
):
    verified(client, colleague.user)

    response = getattr(client, method)(url(name, awaiting), POSTED if method == "post" else None)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("case", awaiting)
    assert not MarginUse.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "sign_in"),
        ("unverified_agent_1", "code"),
        ("citizen_a", HTTPStatus.FORBIDDEN),
        ("helper", HTTPStatus.FORBIDDEN),
        ("agent_1", HTTPStatus.FORBIDDEN),
        ("agent_2", HTTPStatus.FORBIDDEN),
        ("manager_2", HTTPStatus.NOT_FOUND),
        ("manager", HTTPStatus.OK),
        ("org_admin", HTTPStatus.OK),
    ],
)
@pytest.mark.parametrize("csv_format", [False, True])
def test_only_the_units_managers_read_its_report(
    client, request, unit_1, role, expected, csv_format
):
    client = sign_in_as(client, role, request)

    response = client.get(report_url(unit_1), {"format": "csv"} if csv_format else None)

    assert_refused(response, expected)


# ---------------------------------------------------------------------------
# The pages on a case


def test_the_holder_extends_the_citizens_deadline_and_the_citizen_sees_it(
    client, awaiting, agent_1, citizen_a, mailoutbox, django_capture_on_commit_callbacks
):
    verified(client, agent_1.user)
    page = client.get(url("case_extend_deadline", awaiting)).text
    assert "La date limite de décision est fixée par la loi" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("case_extend_deadline", awaiting),
            {"due_on": in_days(40).isoformat(), "reason": "Hospitalisée."},
        )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("case", awaiting)
    case = Case.objects.get(pk=awaiting.pk)
    assert case.citizen_due_on >= in_days(40)
    (email,) = mailoutbox
    assert "délai de réponse prolongé" in email.subject
    client.force_login(citizen_a.user)
    citizen_page = client.get(reverse("portal:case", args=[case.reference])).text
    assert timezone.localdate().strftime("%Y") in citizen_page
    from django.utils import formats

    assert formats.date_format(case.citizen_due_on, "j F Y") in citizen_page


def test_a_missing_reason_is_said_politely_and_the_date_is_kept(client, awaiting, agent_1):
    verified(client, agent_1.user)

    response = client.post(
        url("case_extend_deadline", awaiting),
        {"due_on": in_days(40).isoformat(), "reason": ""},
    )

    assert response.status_code == HTTPStatus.OK
    assert "Dites pourquoi vous prolongez ce délai." in response.text
    assert in_days(40).isoformat() in response.text
    assert not MarginUse.objects.exists()


def test_no_extension_is_offered_on_a_case_not_awaiting_the_citizen(client, submitted, agent_1):
    held = queue.case_take(case=submitted, by=agent_1.user)
    verified(client, agent_1.user)

    page = client.get(url("case", held)).text
    response = client.get(url("case_extend_deadline", held))

    assert url("case_extend_deadline", held) not in page
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("case", held)


def test_the_holder_waives_a_document_and_the_case_page_shows_it(client, awaiting, agent_1):
    verified(client, agent_1.user)

    response = client.post(
        url("case_waive_document", awaiting),
        {"code": "identite", "reason": "Déjà vérifiée au guichet."},
    )

    assert response.status_code == HTTPStatus.FOUND
    page = client.get(url("case", awaiting)).text
    assert "Pièces dispensées" in page
    assert "Pièce d&#x27;identité, dispensée le" in page
    assert "Déjà vérifiée au guichet." in page
    assert "prioritaire" not in page
    form = client.get(url("case_waive_document", awaiting)).text
    assert 'value="identite"' not in form


def test_the_case_page_says_what_each_file_is_for_and_what_is_still_missing(
    client, awaiting, agent_1, citizen_a
):
    services.case_resume_review(case=awaiting, by=citizen_a.user, reason="Voici la facture.")
    services.document_add(
        case=awaiting,
        by=citizen_a.user,
        upload=SimpleUploadedFile("facture.pdf", PDF),
        kind_code="domicile",
    )
    services.document_add(
        case=awaiting, by=citizen_a.user, upload=SimpleUploadedFile("lettre.pdf", PDF)
    )
    verified(client, agent_1.user)

    page = client.get(url("case", awaiting)).text

    assert "<strong>Justificatif de domicile</strong> :" in page
    assert "<strong>Autre pièce</strong> :" in page
    missing = page.split("Pièces demandées pas encore reçues")[1].split("</ul>")[0]
    assert "Pièce d&#x27;identité" in missing
    assert "Justificatif de domicile" not in missing
    # Once waived, the piece is no longer missing.
    margins.case_waive_document(
        case=awaiting, by=agent_1.user, code="identite", reason="Vue au guichet."
    )
    assert "Pièces demandées pas encore reçues" not in client.get(url("case", awaiting)).text


def test_the_holder_fast_tracks_a_case_and_a_badge_shows_it(client, awaiting, agent_1):
    verified(client, agent_1.user)

    response = client.post(url("case_fast_track", awaiting), {"reason": "Usager sans logement."})

    assert response.status_code == HTTPStatus.FOUND
    assert Case.objects.get(pk=awaiting.pk).fast_tracked
    page = client.get(url("case", awaiting)).text
    assert "prioritaire" in page
    assert "Retirer la priorité" in page
    queue_page = client.get(reverse("backoffice:queue", args=[awaiting.unit.slug])).text
    assert "prioritaire" in queue_page

    missing = client.post(url("case_fast_track", awaiting), {"reason": ""})
    assert "Dites pourquoi ce dossier ne passe plus en priorité." in missing.text
    client.post(url("case_fast_track", awaiting), {"reason": "Relogé."})
    assert not Case.objects.get(pk=awaiting.pk).fast_tracked


def test_a_message_that_departs_from_its_template_asks_for_a_reason(
    client, awaiting, agent_1, organisation
):
    template = MessageTemplate.objects.create(
        organisation=organisation, title="Relance", body="Bonjour {prenom}, merci de répondre."
    )
    verified(client, agent_1.user)
    body = "Votre dossier passe en commission le 12 mars : venez avec vos justificatifs."

    refused = client.post(url("case_message", awaiting), {"body": body, "template": template.pk})
    sent = client.post(
        url("case_message", awaiting),
        {"body": body, "template": template.pk, "reason": "Commission imminente."},
    )

    assert refused.status_code == HTTPStatus.OK
    assert "dites pourquoi vous le modifiez" in refused.text
    assert body in refused.text
    assert sent.status_code == HTTPStatus.FOUND
    use = MarginUse.objects.get()
    assert (use.kind, use.reason) == (MarginKind.OVERRIDE_TEMPLATE, "Commission imminente.")


# ---------------------------------------------------------------------------
# The report


@pytest.fixture
def used(awaiting, agent_1, manager):
    margins.case_waive_document(
        case=awaiting, by=agent_1.user, code="identite", reason="Vérifiée au guichet."
    )
    margins.case_fast_track(case=awaiting, by=manager.user, reason="=Signalement social")
    return awaiting


def test_the_team_view_links_to_the_report(client, manager, unit_1):
    verified(client, manager.user)

    page = client.get(reverse("backoffice:team", args=[unit_1.slug])).text

    assert report_url(unit_1) in page


def test_the_report_lists_every_use_with_its_reason_case_and_agent(client, used, manager):
    verified(client, manager.user)

    page = client.get(report_url(used.unit)).text

    assert "Vérifiée au guichet." in page
    assert "=Signalement social" in page
    assert url("case", used) in page
    assert manager.display_name in page
    assert "Synthèse par mois et par agent" in page
    assert "2 marges utilisées" in page


def test_the_report_filters_by_kind_agent_and_period(client, used, manager, agent_1):
    verified(client, manager.user)
    today = timezone.localdate()

    by_kind = client.get(report_url(used.unit), {"kind": "fast_track"}).text
    by_agent = client.get(report_url(used.unit), {"agent": agent_1.pk}).text
    before = client.get(
        report_url(used.unit),
        {"since": (today - datetime.timedelta(days=9)).isoformat(), "until": "2000-01-01"},
    ).text
    past = client.get(
        report_url(used.unit),
        {
            "since": (today - datetime.timedelta(days=9)).isoformat(),
            "until": (today - datetime.timedelta(days=1)).isoformat(),
        },
    ).text

    assert "=Signalement social" in by_kind
    assert "Vérifiée au guichet." not in by_kind
    assert "Vérifiée au guichet." in by_agent
    assert "=Signalement social" not in by_agent
    assert "La fin de la période doit suivre son début." in before
    assert "a été utilisée sur cette période." in past
    assert "Vérifiée au guichet." not in past


def test_the_report_downloads_as_csv_safe_for_spreadsheets(client, used, manager):
    verified(client, manager.user)

    response = client.get(report_url(used.unit), {"format": "csv", "kind": ""})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "Dossier", "Marge", "Agent", "Motif", "Détails"]
    assert {(row[1], row[2], row[4]) for row in rows[1:]} == {
        (used.reference, "Pièce dispensée", "Vérifiée au guichet."),
        (used.reference, "Dossier traité en priorité", "'=Signalement social"),
    }


def test_the_report_shows_only_its_units_uses(client, used, manager, manager_2, citizen_b):
    elsewhere = submit(
        ProcedureFactory(handling_unit=manager_2.units.get()), citizen_b, on=timezone.localdate()
    )
    margins.case_fast_track(case=elsewhere, by=manager_2.user, reason="Dans l'autre service.")
    verified(client, manager.user)

    page = client.get(report_url(used.unit)).text

    assert "Dans l&#x27;autre service." not in page
    assert elsewhere.reference not in page
    assert "2 marges utilisées" in page


# ---------------------------------------------------------------------------
# What the citizen sees of a waived document


def test_the_citizen_no_longer_sees_a_waived_document_as_missing(client, awaiting, agent_1):
    client.force_login(awaiting.person.user)
    case_url = reverse("portal:case", args=[awaiting.reference])
    before = client.get(case_url).text

    margins.case_waive_document(
        case=awaiting, by=agent_1.user, code="identite", reason="Vérifiée au guichet."
    )
    after = client.get(case_url).text

    missing_title = "Pièces demandées que nous n'avons pas encore"
    waived_title = "Pièces dont vous êtes dispensé"
    assert missing_title in before
    assert waived_title not in before
    missing_before = before.split(missing_title)[1].split("</ul>")[0]
    assert "Justificatif de domicile" in missing_before
    assert "Pièce d&#x27;identité" in missing_before
    missing_after = after.split(missing_title)[1].split("</ul>")[0]
    assert "Justificatif de domicile" in missing_after
    assert "Pièce d&#x27;identité" not in missing_after
    assert "Pièce d&#x27;identité : vous n'avez pas à la fournir." in after
    assert "Vérifiée au guichet." not in after


def test_the_decision_letter_says_which_documents_were_waived(submitted, agent_1):
    from django.template.loader import render_to_string

    from parcours.cases import services
    from parcours.cases.decision_letters import decision_letter_context

    submitted.procedure_version.required_documents = DOCUMENTS
    rewrite_published_version(submitted.procedure_version)
    services.case_start_review(case=submitted, by=agent_1.user)
    margins.case_waive_document(
        case=submitted, by=agent_1.user, code="identite", reason="Vérifiée au guichet."
    )
    case = services.case_accept(case=submitted, by=agent_1.user, reasons="Conditions remplies.")

    letter = render_to_string(
        "cases/_decision_letter_body.html", decision_letter_context(case.decisions.get())
    )

    assert "Le service vous a dispensé des pièces suivantes" in letter
    assert "Pièce d&#x27;identité" in letter
    assert "Vérifiée au guichet." not in letter


def test_the_report_gives_an_extensions_dates(client, awaiting, agent_1, manager):
    margins.case_extend_citizen_deadline(
        case=awaiting, by=agent_1.user, due_on=in_days(40), reason="Hospitalisée."
    )
    case = Case.objects.get(pk=awaiting.pk)
    verified(client, manager.user)

    page = client.get(report_url(awaiting.unit)).text

    assert f"au {case.citizen_due_on.strftime('%d/%m/%Y')}" in page


def test_the_reports_query_count_does_not_grow_with_its_uses(
    client, awaiting, agent_1, manager, procedure, citizen_b
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    margins.case_waive_document(case=awaiting, by=agent_1.user, code="identite", reason="A.")
    verified(client, manager.user)
    with CaptureQueriesContext(connection) as few:
        client.get(report_url(awaiting.unit))
    for days in (1, 2, 3):
        other = submit(procedure, citizen_b, on=timezone.localdate() - datetime.timedelta(days))
        margins.case_fast_track(case=other, by=manager.user, reason="B.")
    margins.case_fast_track(case=awaiting, by=agent_1.user, reason="C.")

    with CaptureQueriesContext(connection) as many:
        page = client.get(report_url(awaiting.unit)).text

    assert "5 marges utilisées" in page
    assert len(many.captured_queries) == len(few.captured_queries)
