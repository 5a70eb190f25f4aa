"""The demo's message templates: in plain French, with placeholders that fill in."""

import pytest

from parcours.contacts.models import TEMPLATE_PLACEHOLDERS, MessageTemplate
from parcours.demo.message_templates import seed_message_templates

pytestmark = pytest.mark.sqlite


def test_each_administration_gets_general_templates_and_its_procedures_own(organisation, procedure):
    count = seed_message_templates()

    templates = list(MessageTemplate.objects.filter(organisation=organisation))
    assert count == len(templates) >= 5
    assert all(t.is_active for t in templates)
    assert [t.title for t in templates if t.procedure == procedure] == [
        "Inscription scolaire : affectation en cours"
    ]
    for template in templates:
        names = {part.split("}")[0] for part in template.body.split("{")[1:]}
        assert names <= set(TEMPLATE_PLACEHOLDERS), template.title
