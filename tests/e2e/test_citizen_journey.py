"""The whole citizen journey in a real browser (Debian's chromium), JavaScript off.

A new person signs in through the OpenID Connect provider (a real one, started
locally), finds a procedure by searching the catalogue, applies step by step with a PDF,
reads the receipt on screen and in the email a real SMTP server received; an agent
asks for a missing document (through the cases service, as the back-office will), the
person answers from their case page with a file; the agent decides, and the person
reads the decision on the case page, in its letter and in their mailbox. A screenshot of
each stage goes to ``var/e2e/``.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parcours.accounts.models import User
from parcours.cases import services
from parcours.cases.enums import CaseState
from parcours.cases.models import Case
from tests.browser_support import BROWSER_MARKS
from tests.cases.test_documents_service import PDF
from tests.factories import ProcedureFactory, rewrite_published_version
from tests.notifications.test_smtp import subject_of

pytestmark = BROWSER_MARKS

SCREENSHOTS = Path("var/e2e")


CANTEEN_FORM = {
    "fields": [
        {
            "name": "child_name",
            "label": "Prénom de l'enfant",
            "type": "text",
            "required": True,
            "step": "Votre enfant",
        },
        {
            "name": "birth_date",
            "label": "Date de naissance de l'enfant",
            "type": "date",
            "required": True,
            "step": "Votre enfant",
        },
        {
            "name": "school",
            "label": "École",
            "type": "choice",
            "required": True,
            "choices": [
                {"value": "jaures", "label": "École Jean-Jaurès"},
                {"value": "curie", "label": "École Marie-Curie"},
            ],
            "step": "Votre enfant",
        },
        {
            "name": "days",
            "label": "Jours de cantine",
            "type": "multiple_choice",
            "required": True,
            "choices": [
                {"value": "mon", "label": "Lundi"},
                {"value": "tue", "label": "Mardi"},
                {"value": "thu", "label": "Jeudi"},
                {"value": "fri", "label": "Vendredi"},
            ],
            "step": "La cantine",
        },
        {
            "name": "allergies",
            "label": "Allergies ou régime alimentaire",
            "type": "textarea",
            "step": "La cantine",
        },
    ]
}


@pytest.fixture
def catalogue(transactional_db, unit_1):
    """Three published procedures; the person looks for the canteen."""
    ProcedureFactory(
        handling_unit=unit_1,
        code="STA",
        slug="carte-stationnement",
        title="Carte de stationnement résident",
        summary="Stationner près de chez soi à tarif réduit.",
    )
    ProcedureFactory(
        handling_unit=unit_1,
        code="ETC",
        slug="etat-civil",
        title="Copie d'acte de naissance",
        summary="Recevoir une copie intégrale ou un extrait.",
    )
    canteen = ProcedureFactory(
        handling_unit=unit_1,
        code="CAN",
        slug="cantine-scolaire",
        title="Inscription à la cantine scolaire",
        summary="Inscrire son enfant au restaurant scolaire de son école.",
        version=CANTEEN_FORM,
    )
    version = canteen.current_version
    version.required_documents = [
        {
            "code": "domicile",
            "label": "Justificatif de domicile",
            "help": "Une facture de moins de trois mois.",
        },
        {"code": "quotient", "label": "Attestation de quotient familial", "required": True},
    ]
    rewrite_published_version(version)
    return canteen


def link_to_case(text: str) -> str:
    return re.search(r"(http://\S+/dossiers/[^/\s]+/)", text).group(1)


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_new_citizen_applies_answers_a_request_and_reads_the_decision(
    live_server,
    settings,
    browser,
    identity_provider,
    smtp_server,
    catalogue,
    agent_1,
):
    settings.PARCOURS_BASE_URL = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    # The provider's own page loads a stylesheet from the Internet: not needed here.
    context.route("https://**", lambda route: route.abort())
    page = context.new_page()

    def shot(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    # 1. A person who never came signs in with the identity provider.
    identity_provider.set_person(
        "sub-nadia",
        given_name="Nadia",
        family_name="Benali",
        birthdate="1988-11-02",
        email="nadia.benali@example.org",
    )
    page.goto(f"{live_server.url}/")
    shot("01-home")
    page.locator("header").get_by_role("link", name="Se connecter").click()
    page.get_by_role("link", name="Se connecter avec FranceConnect").click()
    page.get_by_placeholder("sub").fill("sub-nadia")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(1)
    user = User.objects.get(oidc_sub="sub-nadia")
    assert (user.first_name, user.last_name) == ("Nadia", "Benali")

    # 2. She finds the procedure by searching the catalogue.
    page.get_by_role("link", name="Rechercher une démarche").click()
    page.get_by_label("Rechercher une démarche").fill("cantine ecole")
    page.get_by_role("button", name="Rechercher").click()
    expect(
        page.get_by_role("heading", level=2, name=re.compile("1 démarche trouvée"))
    ).to_be_visible()
    shot("02-search")
    page.get_by_role("link", name="Inscription à la cantine scolaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription à la cantine scolaire")
    assert page.get_by_text("Justificatif de domicile").first.is_visible()
    shot("03-procedure")

    # 3. She applies, step by step.
    page.get_by_role("link", name="Faire la démarche en ligne").click()
    page.get_by_role("button", name="Commencer ma demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Votre enfant"))
    page.get_by_label("Prénom de l'enfant").fill("Inès")
    page.get_by_label("Date de naissance de l'enfant").fill("2019-09-12")
    page.get_by_label("École Marie-Curie").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("La cantine"))
    page.get_by_label("Lundi").check()
    page.get_by_label("Jeudi").check()
    page.get_by_label("Allergies ou régime alimentaire").fill("Sans arachide.")
    shot("04-step-canteen")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.get_by_label("Ce que vous voulez nous dire").fill("Je travaille le midi.")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pièces justificatives")
    page.get_by_label("Fichier pour « Justificatif de domicile »").set_input_files(
        {"name": "facture-eau.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Joindre ce fichier pour « Justificatif de domicile »").click()
    expect(
        page.get_by_text("Le fichier « facture-eau.pdf » est joint à votre demande.")
    ).to_be_visible()
    shot("05-documents")
    page.get_by_role("button", name="Continuer vers la vérification").click()
    for answer in [
        "Inès",
        "12 septembre 2019",
        "École Marie-Curie",
        "Lundi, Jeudi",
        "facture-eau.pdf",
    ]:
        assert page.get_by_text(answer).first.is_visible(), answer
    # The quotient attestation is missing: she is told, and may still send.
    assert page.get_by_text("Il manque une pièce demandée").is_visible()
    shot("06-review")
    page.get_by_role("button", name="Envoyer ma demande").click()

    # 4. The receipt, on screen and by email.
    case = Case.objects.get(person__user=user)
    assert case.state == CaseState.SUBMITTED
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Accusé de réception de votre demande"
    )
    assert page.get_by_text(case.reference).first.is_visible()
    assert page.get_by_text("nadia.benali@example.org").first.is_visible()
    shot("07-receipt-on-screen")
    # Her record in this administration carries the identity the provider certified.
    person = case.person
    assert (person.given_name, person.family_name, person.email) == (
        "Nadia",
        "Benali",
        "nadia.benali@example.org",
    )
    assert person.identity_certified
    assert person.birth_date == datetime.date(1988, 11, 2)
    (receipt_email,) = smtp_server.messages
    assert receipt_email["To"] == "nadia.benali@example.org"
    assert case.reference in subject_of(receipt_email)
    assert "Nous avons bien reçu votre demande" in subject_of(receipt_email)
    assert f"{live_server.url}/dossiers/{case.reference}/" in text_of(receipt_email)

    # 5. An agent asks for the missing piece (the back-office will call this service).
    case = services.case_start_review(case=case, by=agent_1.user)
    case = services.case_request_information(
        case=case,
        by=agent_1.user,
        reason="Merci de nous envoyer votre attestation de quotient familial.",
        due_on=timezone.localdate() + datetime.timedelta(days=15),
    )
    request_email = smtp_server.messages[-1]
    assert "attestation de quotient familial" in text_of(request_email)

    # 6. She follows the link in the email, reads the request and answers with a file.
    page.goto(link_to_case(text_of(request_email)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription à la cantine scolaire")
    assert page.get_by_text("C'est à vous d'agir.").is_visible()
    assert page.get_by_text("Merci de nous envoyer votre attestation").first.is_visible()
    shot("08-case-awaiting")
    page.get_by_role("link", name="Répondre à notre demande").click()
    assert page.get_by_text("Merci de nous envoyer votre attestation").first.is_visible()
    page.get_by_label("Votre réponse").fill("Voici mon attestation de la CAF.")
    page.get_by_label("Documents à joindre").set_input_files(
        {"name": "attestation-caf.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shot("09-answer")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_text("Merci, votre réponse est envoyée.")).to_be_visible()
    assert page.get_by_role("link", name="attestation-caf.pdf").is_visible()
    shot("10-case-answered")
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert sorted(case.documents.values_list("original_name", flat=True)) == [
        "attestation-caf.pdf",
        "facture-eau.pdf",
    ]

    # 7. The agent decides; she reads the decision on her case page and in her mailbox.
    services.case_accept(
        case=case, by=agent_1.user, reasons="Inès mangera à la cantine les lundis et jeudis."
    )
    page.reload()
    decision = page.get_by_role("region", name="La décision")
    expect(decision).to_contain_text("Acceptation")
    expect(decision).to_contain_text("Inès mangera à la cantine les lundis et jeudis.")
    expect(decision).to_contain_text("Claire Martin")
    shot("11-case-decided")
    page.get_by_role("link", name=re.compile("Lire la décision du")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Décision")
    expect(page.locator("main")).to_contain_text("Inès mangera à la cantine les lundis et jeudis.")
    shot("12-decision-letter")
    decision_email = smtp_server.messages[-1]
    assert "Votre demande est acceptée" in subject_of(decision_email)
    assert "Inès mangera à la cantine" in text_of(decision_email)
    assert f"{live_server.url}/dossiers/{case.reference}/" in text_of(decision_email)
    assert [m["To"] for m in smtp_server.messages] == ["nadia.benali@example.org"] * len(
        smtp_server.messages
    )
