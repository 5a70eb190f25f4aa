import pytest

from parcours.listening.moderation import find_insults, mask_personal_data, moderate

pytestmark = pytest.mark.sqlite


@pytest.mark.parametrize(
    "text",
    [
        "Écrivez-moi à jean.dupont@example.org svp",
        "Mon adresse : Jean-Dupont+mairie@mail.example.fr.",
    ],
)
def test_email_addresses_are_masked(text):
    result = mask_personal_data(text)
    assert "@" not in result.text
    assert "[adresse masquée]" in result.text
    assert result.masked == ["email"]


@pytest.mark.parametrize(
    "phone",
    [
        "01 23 45 67 89",
        "06.12.34.56.78",
        "0612345678",
        "+33 6 12 34 56 78",
        "0033 1 23 45 67 89",
        "07-12-34-56-78",
    ],
)
def test_french_phone_numbers_are_masked(phone):
    result = mask_personal_data(f"Rappelez-moi au {phone} demain.")
    assert result.text == "Rappelez-moi au [téléphone masqué] demain."
    assert result.masked == ["phone"]


def test_a_reference_or_a_date_is_not_taken_for_a_phone_number():
    text = "Dossier 2026-SCO-000123 déposé le 12/11/2026, 45000 Bellerive."
    assert mask_personal_data(text).text == text


def test_known_names_are_masked_without_regard_to_accents_or_case():
    result = mask_personal_data(
        "L'agent LEFEVRE m'a reçu, puis Mme lefèvre encore.", names=["Lefèvre"]
    )
    assert "efevre" not in result.text.lower().replace("è", "e")
    assert result.masked.count("name") == 2


def test_a_first_name_from_the_list_followed_by_a_capitalised_word_is_masked():
    result = mask_personal_data("Merci à Sandrine Leroux pour son accueil. Le Service Public.")
    assert result.text == "Merci à [nom masqué] pour son accueil. Le Service Public."


def test_a_civility_followed_by_a_name_is_masked():
    result = mask_personal_data("Reçue par Monsieur Le Goff puis par M. Durand.")
    assert result.text == "Reçue par Monsieur [nom masqué] puis par M. [nom masqué]."


def test_a_first_name_before_a_known_name_is_masked_with_it():
    result = mask_personal_data("Karim Benali m'a rappelé.", names=["Benali"])
    assert result.text == "[nom masqué] m'a rappelé."


def test_ordinary_capitalised_words_stay():
    text = "La Mairie de Bellerive et la Caisse des prestations. Très bien."
    assert mask_personal_data(text).text == text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bande de CONNARDS au guichet", ["CONNARDS"]),
        ("Un agent débile et une abrutie", ["débile", "abrutie"]),
        ("Quel fils de pute", ["fils de pute"]),
    ],
)
def test_insults_are_found_without_regard_to_accents_case_or_plural(text, found):
    assert find_insults(text) == found


def test_a_polite_criticism_holds_nothing():
    assert find_insults("Service lent, accueil froid, réponse incomplète. Décevant.") == []


def test_moderate_masks_and_holds_together():
    result = moderate("Appelez le 06 12 34 56 78, bande d'idiots")
    assert result.is_held
    assert result.held_words == ["idiots"]
    assert "[téléphone masqué]" in result.text
