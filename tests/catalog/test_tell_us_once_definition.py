"""Tell us once in a procedure: a field names the person's data it takes ("prefill"), a
document for how long a copy already given may be reused ("valid_days")."""

import pytest
from django.core.exceptions import ValidationError

from parcours.catalog.form_definition import PREFILL_TYPES, validate_definition
from parcours.catalog.models import DOCUMENT_VALID_DAYS, ProcedureVersion

pytestmark = pytest.mark.sqlite


def problems(definition) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_definition(definition)
    return error.value.messages


@pytest.mark.parametrize(
    ("attribute", "kind"),
    [(attribute, kind) for attribute, kinds in PREFILL_TYPES.items() for kind in kinds],
)
def test_a_field_may_take_each_piece_of_the_persons_data_it_fits(attribute, kind):
    validate_definition(
        {"fields": [{"name": "x", "label": "X", "type": kind, "prefill": attribute}]}
    )


def test_the_person_data_a_form_may_take_is_a_fixed_list():
    assert set(PREFILL_TYPES) == {
        "given_name",
        "family_name",
        "birth_date",
        "email",
        "phone",
        "street",
        "postcode",
        "city",
    }


@pytest.mark.parametrize("attribute", ["password", "usual_name", "", None, ["email"], "Email"])
def test_an_unknown_piece_of_data_is_refused_with_the_list(attribute):
    (message,) = problems(
        {"fields": [{"name": "who", "label": "Qui", "type": "text", "prefill": attribute}]}
    )

    assert message == (
        "Champ n° 1 « who » : « prefill » doit nommer une donnée de la personne parmi "
        "given_name, family_name, birth_date, email, phone, street, postcode, city "
        f"(et non « {attribute} »)."
    )


def test_data_that_does_not_fit_the_type_of_field_is_refused():
    (message,) = problems(
        {"fields": [{"name": "born", "label": "Né le", "type": "text", "prefill": "birth_date"}]}
    )

    assert message == (
        "Champ n° 1 « born » : « birth_date » ne peut pas remplir un champ de type « text » "
        "(types possibles : « date »)."
    )


def version(documents) -> ProcedureVersion:
    return ProcedureVersion(form_definition={"fields": []}, required_documents=documents)


@pytest.mark.parametrize("days", [0, 90, 3650])
def test_a_document_may_say_for_how_long_it_can_be_reused(days):
    documents = [{"code": "domicile", "label": "Justificatif", "valid_days": days}]

    version(documents).clean()
    assert version(documents).reuse_validity() == {"domicile": days}


@pytest.mark.parametrize("days", [-1, "90", 1.5, True, None])
def test_a_validity_that_is_not_a_number_of_days_is_refused(days):
    documents = [{"code": "domicile", "label": "Justificatif", "valid_days": days}]

    with pytest.raises(ValidationError) as error:
        version(documents).clean()

    assert error.value.message_dict["required_documents"] == [
        "« valid_days » est un nombre entier de jours, 0 ou plus : la durée pendant laquelle "
        "une pièce déjà fournie peut être réutilisée."
    ]


def test_a_document_without_validity_is_reusable_for_a_year():
    documents = [{"code": "identite", "label": "Pièce d'identité"}]

    assert (
        version(documents).reuse_validity()
        == {"identite": DOCUMENT_VALID_DAYS}
        == {"identite": 365}
    )
