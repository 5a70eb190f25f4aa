import pytest

from parcours.cases import services as case_services


@pytest.fixture
def no_receipt_pdf(monkeypatch):
    # The receipt PDF has its own tests with the case pages.
    monkeypatch.setattr(case_services, "_after_commit_render_receipt", lambda receipt: None)


@pytest.fixture
def submitted(draft, citizen_a, no_receipt_pdf):
    return case_services.case_submit(case=draft, by=citizen_a.user)
