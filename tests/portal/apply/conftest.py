import pytest

from tests.factories import ProcedureFactory, rewrite_published_version

FULL_FORM = {
    "fields": [
        {
            "name": "child_name",
            "label": "Prénom de l'enfant",
            "type": "text",
            "required": True,
            "max_length": 20,
            "help": "Comme sur le livret de famille",
            "step": "Votre enfant",
        },
        {
            "name": "birth_date",
            "label": "Date de naissance",
            "type": "date",
            "required": True,
            "step": "Votre enfant",
        },
        {
            "name": "school",
            "label": "École souhaitée",
            "type": "choice",
            "required": True,
            "choices": [
                {"value": "jaures", "label": "École Jean-Jaurès"},
                {"value": "curie", "label": "École Marie-Curie"},
            ],
            "step": "Votre enfant",
        },
        {
            "name": "canteen",
            "label": "Mon enfant mangera à la cantine",
            "type": "boolean",
            "step": "Cantine",
        },
        {
            "name": "canteen_days",
            "label": "Jours de cantine",
            "type": "multiple_choice",
            "required": True,
            "choices": [
                {"value": "mon", "label": "Lundi"},
                {"value": "tue", "label": "Mardi"},
            ],
            "show_if": {"field": "canteen", "equals": True},
            "step": "Cantine",
        },
        {"name": "email", "label": "Courriel de contact", "type": "email", "step": "Contact"},
        {"name": "phone", "label": "Téléphone", "type": "phone", "step": "Contact"},
        {"name": "address", "label": "Adresse", "type": "address", "step": "Contact"},
        {"name": "siblings", "label": "Frères et sœurs", "type": "integer", "min": 0},
        {"name": "income", "label": "Revenu mensuel", "type": "decimal"},
        {"name": "notes", "label": "Remarques", "type": "textarea"},
        {"name": "spot", "label": "Lieu de l'arrêt de car", "type": "location"},
    ]
}

FULL_ANSWERS = {
    "child_name": "Léa",
    "birth_date": "2020-05-04",
    "school": "curie",
    "canteen": False,
    "email": "alice@example.org",
}


@pytest.fixture
def school_procedure(unit_1):
    procedure = ProcedureFactory(
        handling_unit=unit_1,
        code="ECO",
        slug="inscription-ecole",
        title="Inscription à l'école",
        version=FULL_FORM,
    )
    version = procedure.current_version
    version.required_documents = [
        {"code": "livret", "label": "Livret de famille", "required": True},
        {"code": "domicile", "label": "Justificatif de domicile", "required": True},
    ]
    rewrite_published_version(version)
    return procedure
