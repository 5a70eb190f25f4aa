"""Creating, confirming and revoking a mandate; the rules of the service."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from parcours.cases.errors import NotAllowed
from parcours.cases.services import case_create_draft
from parcours.mandates import services
from parcours.mandates.enums import ActKind, ConsentMethod, MandateStatus
from parcours.mandates.errors import MandateDenied, MandateError
from parcours.mandates.models import Mandate

from .conftest import make_mandate

pytestmark = pytest.mark.sqlite


def _create(helper, procedure, **overrides):
    values = {
        "by": helper.user,
        "given_name": "Jeanne",
        "family_name": "Lambert",
        "email": "jeanne.lambert@example.org",
        "procedures": [procedure],
        "ends_on": timezone.localdate() + datetime.timedelta(days=30),
        "consent_method": ConsentMethod.SIGNATURE,
        "signed_name": "Jeanne LAMBERT",
        "agreed": True,
    }
    values.update(overrides)
    return services.mandate_create(**values)


def test_a_signed_mandate_is_in_force_at_once_and_the_person_is_told(
    helper, procedure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mandate = _create(helper, procedure)
    assert mandate.status() == MandateStatus.ACTIVE
    assert mandate.user.email == "jeanne.lambert@example.org"
    assert [act.kind for act in mandate.acts.all()] == [ActKind.CREATED]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jeanne.lambert@example.org"]
    assert "mandat" in mail.outbox[0].subject
    assert procedure.title in mail.outbox[0].body


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"ends_on": None}, "ends_on", "jusqu'à quelle date"),
        ({"days": -1}, "ends_on", "passée"),
        ({"days": 400}, "ends_on", "un an au plus"),
        ({"procedures": []}, "procedures", "au moins une démarche"),
        ({"signed_name": ""}, "signed_name", "taper son nom"),
        ({"signed_name": "Quelqu'un d'autre"}, "signed_name", "Lambert"),
        ({"agreed": False}, "agreed", "cocher la case"),
        ({"consent_method": "oral"}, "consent_method", "accord"),
        ({"email": ""}, "email", "adresse électronique"),
    ],
)
def test_a_mandate_is_refused_with_a_clear_message(helper, procedure, overrides, field, words):
    if "days" in overrides:
        overrides = {"ends_on": timezone.localdate() + datetime.timedelta(days=overrides["days"])}
    with pytest.raises(MandateError) as refused:
        _create(helper, procedure, **overrides)
    assert refused.value.field == field
    assert words in str(refused.value.message)
    assert not Mandate.objects.exists()


def test_a_mandate_may_last_exactly_one_year(helper, procedure):
    today = timezone.localdate()
    mandate = _create(helper, procedure, ends_on=services.latest_end(today))
    assert mandate.is_active


def test_only_a_helper_receives_a_mandate(agent_1, procedure):
    with pytest.raises(MandateDenied):
        _create(agent_1, procedure)


def test_a_mandate_by_code_waits_for_the_code_the_person_received(
    helper, procedure, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mandate = _create(helper, procedure, consent_method=ConsentMethod.CODE, signed_name="")
    assert mandate.status() == MandateStatus.PENDING
    code = re.search(r"\b(\d{6})\b", mail.outbox[0].body).group(1)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(MandateError, match="pas le bon"):
        services.mandate_confirm(mandate=mandate, code=wrong, by=helper.user)
    mandate.refresh_from_db()
    assert mandate.code_attempts == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.mandate_confirm(mandate=mandate, code=code, by=helper.user)
    mandate.refresh_from_db()
    assert mandate.is_active
    assert "Vous avez donné un mandat" in mail.outbox[-1].subject


def test_an_expired_code_is_refused(helper, procedure):
    mandate = _create(helper, procedure, consent_method=ConsentMethod.CODE)
    Mandate.objects.filter(pk=mandate.pk).update(
        code_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(MandateError, match="plus valable"):
        services.mandate_confirm(mandate=mandate, code="123456", by=helper.user)


def test_the_code_is_sent_by_sms_too_when_a_backend_exists(
    helper, procedure, settings, django_capture_on_commit_callbacks
):
    sms = pytest.importorskip("parcours.channels.sms")
    settings.SMS_BACKEND = "parcours.channels.sms.backends.locmem.SmsBackend"
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _create(helper, procedure, consent_method=ConsentMethod.CODE, phone="06 12 34 56 78")
    assert len(sms.outbox) == 1
    assert sms.outbox[0].to == "+33612345678"
    assert re.search(r"\b\d{6}\b", sms.outbox[0].body)


def test_the_person_revokes_with_immediate_effect(mandate, citizen_a, helper):
    services.mandate_revoke(mandate=mandate, by=citizen_a.user)
    mandate.refresh_from_db()
    assert mandate.status() == MandateStatus.REVOKED
    assert not Mandate.objects.active().filter(pk=mandate.pk).exists()
    assert mandate.acts.filter(kind=ActKind.REVOKED).exists()


def test_nobody_else_revokes_a_mandate(mandate, citizen_b):
    with pytest.raises(MandateDenied):
        services.mandate_revoke(mandate=mandate, by=citizen_b.user)


def test_a_helper_starts_a_case_for_the_person_in_another_administration(
    mandate, helper, other_organisation_procedure
):
    mandate.procedures.add(other_organisation_procedure)
    case = services.mandate_start_case(
        mandate=mandate, procedure=other_organisation_procedure, by=helper.user
    )
    assert case.person.user == mandate.user
    assert case.organisation == other_organisation_procedure.organisation
    assert case.channel == "helper"
    assert case.mandate_link.mandate == mandate
    # A second click resumes the same draft.
    again = services.mandate_start_case(
        mandate=mandate, procedure=other_organisation_procedure, by=helper.user
    )
    assert again == case


def test_a_procedure_outside_the_mandate_is_refused(mandate, helper, other_procedure):
    with pytest.raises(MandateDenied, match="ne couvre pas"):
        services.mandate_start_case(mandate=mandate, procedure=other_procedure, by=helper.user)


def test_a_helper_without_a_mandate_may_not_act_for_a_person_even_of_their_organisation(
    helper, citizen_b, procedure
):
    with pytest.raises(NotAllowed, match="mandat"):
        case_create_draft(person=citizen_b, procedure=procedure, by=helper.user)


def test_an_expired_mandate_lets_nothing_happen(helper, citizen_a, procedure):
    mandate = make_mandate(helper, citizen_a, [procedure])
    Mandate.objects.filter(pk=mandate.pk).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    mandate.refresh_from_db()
    with pytest.raises(MandateDenied, match="a pris fin"):
        services.mandate_start_case(mandate=mandate, procedure=procedure, by=helper.user)
