from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from parcours.catalog.enums import CommitmentKind, DelayUnit, LifeSituation, Theme
from parcours.catalog.models import Commitment
from parcours.organisations.enums import Weekday
from parcours.organisations.models import OpeningHours
from tests.factories import (
    OrganisationFactory,
    ProcedureFactory,
    UnitFactory,
    rewrite_published_version,
)

pytestmark = pytest.mark.sqlite


@pytest.fixture
def school(unit_1):
    return ProcedureFactory(
        handling_unit=unit_1,
        slug="inscription-scolaire",
        title="Inscription à l'école",
        summary="Inscrire votre enfant en maternelle ou en élémentaire.",
        description="Pour une première rentrée ou après un déménagement.",
        theme=Theme.FAMILY,
    )


@pytest.fixture
def parking(unit_2):
    return ProcedureFactory(
        handling_unit=unit_2,
        slug="carte-stationnement",
        title="Carte de stationnement résident",
        summary="Se garer près de chez soi à tarif réduit.",
        description="Réservée aux résidents du centre-ville.",
        theme=Theme.MOBILITY,
    )


def titles(response) -> list[str]:
    return [procedure.title for procedure in response.context["results"]]


def test_the_catalogue_lists_the_published_procedures_of_every_organisation(
    client, school, parking
):
    elsewhere = ProcedureFactory(
        handling_unit=UnitFactory(organisation=OrganisationFactory()), title="Aide au transport"
    )
    ProcedureFactory(handling_unit=school.handling_unit, title="Brouillon", is_published=False)

    response = client.get(reverse("portal:procedures"))

    assert response.status_code == HTTPStatus.OK
    assert titles(response) == [elsewhere.title, parking.title, school.title]
    assert "3 démarches trouvées" in response.content.decode()


@pytest.mark.parametrize("query", ["ecole", "ÉCOLE", "Elementaire", "maternelle ecole"])
def test_a_search_finds_a_procedure_by_a_word_typed_without_accents(client, school, parking, query):
    response = client.get(reverse("portal:procedures"), {"q": query})

    assert titles(response) == [school.title]
    page = response.content.decode()
    assert "1 démarche trouvée" in page
    assert f"pour « {escape(query)} »" in page


def test_every_word_of_a_search_must_match(client, school, parking):
    response = client.get(reverse("portal:procedures"), {"q": "école stationnement"})

    assert titles(response) == []
    assert "Aucune démarche ne correspond" in response.content.decode()


def test_an_unpublished_procedure_is_never_found(client, school):
    ProcedureFactory(handling_unit=school.handling_unit, title="École secrète", is_published=False)

    response = client.get(reverse("portal:procedures"), {"q": "secrete"})

    assert titles(response) == []


def test_a_theme_filter_shows_only_that_theme_and_marks_the_current_link(client, school, parking):
    response = client.get(reverse("portal:procedures"), {"theme": Theme.MOBILITY})

    assert titles(response) == [parking.title]
    page = response.content.decode()
    assert "dans le thème « Transports et stationnement »" in page
    assert page.count('aria-current="true"') == 1
    assert 'aria-current="true">Transports et stationnement</a>' in page


def test_a_search_within_a_theme_keeps_both(client, school, parking):
    response = client.get(reverse("portal:procedures"), {"theme": Theme.FAMILY, "q": "garer"})

    assert titles(response) == []
    page = response.content.decode()
    assert '<input type="hidden" name="theme" value="family">' in page
    assert escape("?q=garer&theme=mobility") in page


def test_an_unknown_theme_is_ignored(client, school, parking):
    response = client.get(reverse("portal:procedures"), {"theme": "<script>"})

    assert response.status_code == HTTPStatus.OK
    assert titles(response) == [parking.title, school.title]


def test_the_home_page_links_each_procedure_to_its_page(client, school):
    response = client.get(reverse("portal:home"))

    assert reverse("portal:procedure", args=[school.slug]) in response.content.decode()
    assert reverse("portal:procedures") in response.content.decode()


@pytest.fixture
def procedure_with_everything(school, unit_1):
    version = school.current_version
    version.required_documents = [
        {
            "code": "domicile",
            "label": "Justificatif de domicile",
            "help": "De moins de trois mois.",
            "required": True,
        },
        {"code": "vaccins", "label": "Carnet de vaccination", "required": False},
    ]
    rewrite_published_version(version)
    school.decision_delay = 15
    school.decision_delay_unit = DelayUnit.DAYS
    school.what_happens_next = "Vous recevez un certificat d'inscription à présenter à l'école."
    school.who_can_apply = "Les parents ou le tuteur légal de l'enfant."
    school.save()
    Commitment.objects.create(
        organisation=school.organisation,
        procedure=school,
        kind=CommitmentKind.DECISION,
        target=10,
        wording="Nous décidons en 10 jours ouvrés en moyenne.",
    )
    Commitment.objects.create(
        organisation=school.organisation,
        kind=CommitmentKind.FIRST_REPLY,
        target=5,
        wording="Nous répondons à vos messages sous 5 jours ouvrés.",
    )
    OpeningHours.objects.create(
        unit=unit_1, weekday=Weekday.TUESDAY, opens_at="08:30", closes_at="12:00"
    )
    return school


def test_the_procedure_page_says_what_who_documents_delay_commitments_and_help(
    client, procedure_with_everything, unit_1
):
    other_procedure = ProcedureFactory(handling_unit=unit_1)
    Commitment.objects.create(
        organisation=unit_1.organisation,
        procedure=other_procedure,
        kind=CommitmentKind.DECISION,
        target=3,
        wording="Engagement d'une autre démarche.",
    )

    response = client.get(reverse("portal:procedure", args=[procedure_with_everything.slug]))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    for text in [
        "Pour une première rentrée ou après un déménagement.",
        "Les parents ou le tuteur légal de l&#x27;enfant.",
        "<strong>Justificatif de domicile</strong>",
        "(obligatoire)",
        "De moins de trois mois.",
        "<strong>Carnet de vaccination</strong>",
        "(facultative)",
        "dans un délai de 15 jours calendaires au plus",
        "votre demande est acceptée",
        "Nous décidons en 10 jours ouvrés en moyenne.",
        "Nous répondons à vos messages sous 5 jours ouvrés.",
        "Vous recevez un certificat d&#x27;inscription",
        "Mardi : de 08:30 à 12:00",
        unit_1.phone,
        unit_1.email,
        unit_1.street,
        "Prendre rendez-vous pour cette démarche",
    ]:
        assert text in page, text
    assert "Engagement d&#x27;une autre démarche." not in page


def test_a_procedure_whose_silence_rejects_says_so_in_plain_words(client, unit_1):
    procedure = ProcedureFactory(handling_unit=unit_1, silence_rejects=True)

    page = client.get(reverse("portal:procedure", args=[procedure.slug])).content.decode()

    assert "considérée comme refusée" in page
    assert "contester" in page


def test_an_unpublished_procedure_page_is_not_found(client, unit_1):
    procedure = ProcedureFactory(handling_unit=unit_1, is_published=False)

    response = client.get(reverse("portal:procedure", args=[procedure.slug]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_procedure_page_never_shows_a_dead_link_to_apply(client, school):
    page = client.get(reverse("portal:procedure", args=[school.slug])).content.decode()

    try:
        apply_url = reverse("portal:apply_start", kwargs={"slug": school.slug})
    except NoReverseMatch:  # the online form is built in its own area
        assert "La demande en ligne arrive bientôt" in page
    else:
        assert f'href="{apply_url}"' in page
    assert school.handling_unit.phone in page


@pytest.mark.parametrize(("theme", "marker"), [("dsfr", "fr-header"), ("neutral", "pc-header")])
def test_the_catalogue_pages_render_in_both_themes(client, settings, school, theme, marker):
    settings.PARCOURS_THEME = theme

    for url in [
        reverse("portal:procedures"),
        reverse("portal:procedures") + "?q=ecole&theme=family",
        reverse("portal:procedure", args=[school.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert marker in response.content.decode(), url


@pytest.fixture
def moving(school, parking):
    school.life_situations = [LifeSituation.SCHOOL, LifeSituation.MOVING]
    school.save()
    parking.life_situations = [LifeSituation.MOVING]
    parking.save()
    return LifeSituation.MOVING


def test_a_life_situation_lists_the_procedures_of_every_theme_it_touches(client, moving):
    response = client.get(reverse("portal:procedures"), {"situation": moving})

    assert titles(response) == ["Carte de stationnement résident", "Inscription à l'école"]
    page = response.content.decode()
    assert "pour la situation « Je déménage »" in page
    assert 'aria-current="true">Je déménage</a>' in page


def test_a_life_situation_narrows_a_search_and_a_theme(client, moving):
    response = client.get(
        reverse("portal:procedures"), {"situation": moving, "theme": Theme.FAMILY, "q": "ecole"}
    )

    assert titles(response) == ["Inscription à l'école"]
    page = response.content.decode()
    assert '<input type="hidden" name="situation" value="moving">' in page
    # Changing the theme keeps the words, and starts again from every situation.
    assert escape("?q=ecole&theme=mobility") in page


def test_only_the_situations_that_lead_to_a_procedure_are_offered(client, moving):
    page = client.get(reverse("portal:procedures")).content.decode()

    assert "Ce qui vous arrive" in page
    assert escape("?situation=moving") in page
    assert escape("?situation=school") in page
    assert "situation=voting" not in page
    assert str(LifeSituation.VOTING.label) not in page


def test_without_any_situation_the_catalogue_offers_none(client, school, parking):
    page = client.get(reverse("portal:procedures")).content.decode()

    assert "Ce qui vous arrive" not in page


def test_an_unknown_situation_is_ignored(client, moving):
    response = client.get(reverse("portal:procedures"), {"situation": "<script>"})

    assert response.status_code == HTTPStatus.OK
    assert len(titles(response)) == 2


def test_the_procedure_page_leads_to_the_other_procedures_of_its_situations(client, moving):
    page = client.get(reverse("portal:procedure", args=["inscription-scolaire"])).content.decode()

    assert "Autres démarches pour :" in page
    assert (
        f'href="{reverse("portal:procedures")}?situation=school">Mon enfant va à l&#x27;école'
        in (page)
    )
    assert escape("?situation=moving") in page


def test_a_procedure_refuses_an_unknown_life_situation(school):
    school.life_situations = ["moving", "lottery"]

    with pytest.raises(ValidationError) as error:
        school.full_clean()

    assert "life_situations" in error.value.message_dict


@pytest.mark.parametrize(
    ("logo", "icon"),
    [("parcours/img/logo-bellerive.svg", "logo-bellerive.svg"), ("", "parcours/img/favicon.svg")],
)
def test_the_neutral_theme_shows_the_organisation_logo_as_the_tab_icon_or_parcours_own(
    client, settings, school, logo, icon
):
    settings.PARCOURS_THEME = "neutral"
    settings.PARCOURS_BRAND_LOGO = logo

    page = client.get(reverse("portal:procedures")).content.decode()

    assert '<link rel="icon" href="' in page
    assert icon in page.split('<link rel="icon" href="')[1].split('"')[0]
