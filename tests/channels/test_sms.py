"""Text messages: the backends, and the case's news by SMS only for those who chose it."""

import io

import pytest

from parcours.cases import services as case_services
from parcours.channels import sms
from parcours.channels.sms.backends import console, filebased

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+32 470 12 34 56", "+32470123456"),
        ("12 34", ""),
        ("appelez-moi", ""),
        ("", ""),
    ],
)
def test_phone_numbers_are_put_in_international_form_or_refused(written, number):
    assert sms.normalise_number(written) == number


def test_a_landline_cannot_receive_a_text_message():
    assert sms.is_mobile("07 00 00 00 00")
    assert not sms.is_mobile("02 38 00 00 00")


def test_the_console_backend_prints_and_the_file_backend_writes_one_file_each(tmp_path):
    stream = io.StringIO()
    message = sms.SmsMessage(to="+33612345678", body="Bonjour")

    assert console.SmsBackend(stream=stream).send_messages([message]) == 1
    assert filebased.SmsBackend(path=tmp_path).send_messages([message, message]) == 2

    assert "to +33612345678" in stream.getvalue()
    files = sorted(tmp_path.iterdir())
    assert len(files) == 2
    assert "Bonjour" in files[0].read_text()


def test_a_long_text_is_cut_to_three_segments():
    assert len(sms.SmsMessage(to="+33612345678", body="x" * 1000).body) == sms.MAX_LENGTH


def test_the_backend_is_chosen_by_the_setting(settings, tmp_path):
    settings.SMS_BACKEND = "parcours.channels.sms.backends.filebased.SmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path)

    assert sms.send_sms("06 12 34 56 78", "Bonjour") == 1
    assert sms.send_sms("pas un numéro", "Bonjour") == 0
    assert len(list(tmp_path.iterdir())) == 1


@pytest.fixture
def no_receipt_pdf(monkeypatch):
    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.mark.parametrize(
    ("notify_by_sms", "phone", "sent"),
    [
        (True, "06 12 34 56 78", True),
        (False, "06 12 34 56 78", False),
        (True, "02 38 00 00 00", False),
    ],
    ids=["chose SMS", "did not choose SMS", "landline"],
)
def test_the_case_news_go_by_sms_only_to_people_who_chose_it_on_a_mobile(
    draft, citizen_a, no_receipt_pdf, django_capture_on_commit_callbacks, notify_by_sms, phone, sent
):
    citizen_a.notify_by_sms, citizen_a.phone = notify_by_sms, phone
    citizen_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        case = case_services.case_submit(case=draft, by=citizen_a.user)

    if sent:
        [message] = sms.outbox
        assert message.to == "+33612345678"
        assert case.reference in message.body
        assert "Nous avons bien reçu votre demande" in message.body
    else:
        assert sms.outbox == []


def test_the_sms_is_in_the_persons_language(
    draft, citizen_a, no_receipt_pdf, django_capture_on_commit_callbacks
):
    citizen_a.notify_by_sms, citizen_a.preferred_language = True, "en"
    citizen_a.save()

    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_submit(case=draft, by=citizen_a.user)

    [message] = sms.outbox
    # The case's status in the person's words, in English.
    assert "We have received your request" in message.body
