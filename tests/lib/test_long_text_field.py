"""Long texts typed or pasted by people and agents: the browser never cuts them (no
``maxlength`` on the textarea), the server says when one is too long."""

import pytest

from parcours.backoffice.rights_forms import ExtendForm
from parcours.journeys.forms import EndForm
from parcours.journeys.services import REASON_MAX_LENGTH
from parcours.privacy.handling import TEXT_MAX_LENGTH

pytestmark = pytest.mark.sqlite


@pytest.mark.parametrize(
    ("form_class", "name", "limit"),
    [(ExtendForm, "reason", TEXT_MAX_LENGTH), (EndForm, "reason", REASON_MAX_LENGTH)],
)
def test_a_long_text_is_refused_by_the_server_not_cut_by_the_browser(form_class, name, limit):
    assert "maxlength" not in str(form_class()[name])

    form = form_class(data={name: "a" * (limit + 1)})
    assert not form.is_valid()
    assert form.errors[name]
    assert form_class(data={name: "a" * limit}).is_valid()
