"""The header's account menu: what it links to for each kind of user, in one query."""

import pytest

from parcours.mandates import selectors
from tests.factories import UserFactory

pytestmark = pytest.mark.sqlite


def test_a_helper_is_a_helper_with_no_record_and_no_mandate(
    django_assert_num_queries, helper, mandate
):
    with django_assert_num_queries(1):
        menu = selectors.account_menu(helper.user)
    assert menu == {"has_people": False, "is_helper": True, "has_mandates": False}


def test_a_person_who_gave_a_mandate_has_a_record_and_mandates(
    django_assert_num_queries, citizen_a, mandate
):
    with django_assert_num_queries(1):
        menu = selectors.account_menu(citizen_a.user)
    assert menu == {"has_people": True, "is_helper": False, "has_mandates": True}


def test_a_person_who_gave_no_mandate_has_only_a_record(citizen_b, mandate):
    assert selectors.account_menu(citizen_b.user) == {
        "has_people": True,
        "is_helper": False,
        "has_mandates": False,
    }


def test_an_agent_who_is_not_a_helper_and_a_helper_no_longer_active_are_not_helpers(
    agent_1, helper
):
    helper.is_active = False
    helper.save(update_fields=["is_active"])
    assert selectors.account_menu(agent_1.user)["is_helper"] is False
    assert selectors.account_menu(helper.user)["is_helper"] is False


@pytest.mark.django_db
def test_an_account_with_nothing_yet_gets_an_empty_menu():
    user = UserFactory()
    assert selectors.account_menu(user) == {
        "has_people": False,
        "is_helper": False,
        "has_mandates": False,
    }


def test_the_statement_is_the_same_for_every_user_but_answers_for_each(citizen_a, citizen_b):
    """Compiled once, the statement is run with each user's own id."""
    first = selectors.account_menu(citizen_a.user)
    selectors.account_menu(citizen_b.user)
    assert selectors._account_menu_statement.cache_info().hits >= 1
    assert selectors.account_menu(citizen_a.user) == first
