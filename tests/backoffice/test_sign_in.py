"""Agents sign in with their password, then a code from their authenticator app, which
the first sign-in enrols. Wrong codes and wrong passwords lock the sign-in out."""

import datetime
import re
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts import two_factor

PASSWORD = "motdepasse-de-test"

pytestmark = pytest.mark.sqlite


def sign_in_with_password(client, user, *, next_url=""):
    url = reverse("backoffice:login")
    return client.post(url, {"email": user.email, "password": PASSWORD, "next": next_url})


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def code_of(device) -> str:
    device.refresh_from_db()
    code, _seconds = two_factor.current_code(device)
    return code


def wrong_code(device) -> str:
    right = int(code_of(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


def is_signed_in_to_the_backoffice(client) -> bool:
    response = client.get(reverse("backoffice:my_cases"))
    return response.status_code == HTTPStatus.OK


def test_a_first_sign_in_enrols_an_authenticator_app_then_signs_in(client, agent_1):
    response = sign_in_with_password(client, agent_1.user)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("backoffice:enrol")
    page = client.get(response["Location"])
    assert page.status_code == HTTPStatus.OK
    device = TOTPDevice.objects.get(user=agent_1.user, confirmed=False)
    secret = two_factor.grouped(two_factor.secret_of(device))
    assert secret in page.text
    assert "<svg" in page.text
    assert 'href="otpauth://totp/' in page.text

    response = client.post(reverse("backoffice:enrol"), {"code": code_of(device)})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("backoffice:home")
    device.refresh_from_db()
    assert device.confirmed
    assert is_signed_in_to_the_backoffice(client)


def test_the_enrolment_page_shows_the_same_secret_until_it_is_confirmed(client, agent_1):
    sign_in_with_password(client, agent_1.user)

    first = client.get(reverse("backoffice:enrol")).text
    again = client.get(reverse("backoffice:enrol")).text

    assert TOTPDevice.objects.filter(user=agent_1.user).count() == 1
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', first).group(1)
    assert secret in again


def test_a_wrong_first_code_does_not_enrol_the_app_and_keeps_the_page(client, agent_1):
    sign_in_with_password(client, agent_1.user)
    client.get(reverse("backoffice:enrol"))
    device = TOTPDevice.objects.get(user=agent_1.user)

    response = client.post(reverse("backoffice:enrol"), {"code": wrong_code(device)})

    assert response.status_code == HTTPStatus.OK
    assert "Ce code ne correspond pas." in response.text
    assert response.context["secret"] == two_factor.grouped(two_factor.secret_of(device))
    device.refresh_from_db()
    assert not device.confirmed
    assert not is_signed_in_to_the_backoffice(client)


def test_a_later_sign_in_asks_for_the_code_of_the_enrolled_app(client, agent_1):
    device = enrolled(agent_1.user)

    response = sign_in_with_password(client, agent_1.user)

    assert response["Location"] == reverse("backoffice:verify")
    assert "Code de connexion" in client.get(response["Location"]).text
    response = client.post(reverse("backoffice:verify"), {"code": code_of(device)})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("backoffice:home")
    assert is_signed_in_to_the_backoffice(client)


def test_an_enrolled_agent_cannot_enrol_a_second_app(client, agent_1):
    enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)

    response = client.get(reverse("backoffice:enrol"))

    assert response["Location"] == reverse("backoffice:verify")
    assert TOTPDevice.objects.filter(user=agent_1.user).count() == 1


def test_nobody_is_signed_in_between_the_password_and_the_code(client, agent_1):
    enrolled(agent_1.user)

    sign_in_with_password(client, agent_1.user)

    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:cases"))["Location"].startswith(reverse("login"))
    assert client.get(reverse("backoffice:my_cases"))["Location"].startswith(
        reverse("backoffice:login")
    )


def test_a_code_with_spaces_is_accepted(client, agent_1):
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)
    code = code_of(device)

    client.post(reverse("backoffice:verify"), {"code": f" {code[:3]} {code[3:]} "})

    assert is_signed_in_to_the_backoffice(client)


@pytest.mark.parametrize("typed", ["", "12345", "12a456", "1234567"])
def test_a_code_that_is_not_six_digits_is_explained(client, agent_1, typed):
    enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)

    response = client.post(reverse("backoffice:verify"), {"code": typed})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["code"]
    assert response.context["form"]["code"].value() == typed
    assert not is_signed_in_to_the_backoffice(client)


def test_a_wrong_code_is_refused_and_says_how_many_tries_remain(client, agent_1, settings):
    settings.PARCOURS_OTP_MAX_FAILURES = 5
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)

    response = client.post(reverse("backoffice:verify"), {"code": wrong_code(device)})

    assert response.status_code == HTTPStatus.OK
    assert "Ce code ne correspond pas." in response.text
    assert "Il vous reste 4 essais" in response.text
    assert response.context["form"].errors["code"]
    assert not is_signed_in_to_the_backoffice(client)


def test_repeated_wrong_codes_lock_the_sign_in_out_even_with_the_right_code(
    client, agent_1, settings
):
    settings.PARCOURS_OTP_MAX_FAILURES = 3
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)
    for _attempt in range(2):
        client.post(reverse("backoffice:verify"), {"code": wrong_code(device)})

    locked = client.post(reverse("backoffice:verify"), {"code": wrong_code(device)})
    right = client.post(reverse("backoffice:verify"), {"code": code_of(device)})

    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "la connexion à ce compte est bloquée pendant 15 minutes" in locked.text
    assert right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not is_signed_in_to_the_backoffice(client)


def test_the_lock_out_ends_after_its_time(client, agent_1, settings):
    settings.PARCOURS_OTP_MAX_FAILURES = 1
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)
    client.post(reverse("backoffice:verify"), {"code": wrong_code(device)})

    with pytest.raises(two_factor.LockedOut):
        two_factor.CODE_LOCKOUT.check(str(agent_1.user.pk))
    with time_machine.travel(datetime.timedelta(minutes=16)):
        two_factor.CODE_LOCKOUT.check(str(agent_1.user.pk))


def test_a_code_works_only_once(client, agent_1):
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)
    code = code_of(device)
    client.post(reverse("backoffice:verify"), {"code": code})
    client.post(reverse("backoffice:logout"))

    sign_in_with_password(client, agent_1.user)
    response = client.post(reverse("backoffice:verify"), {"code": code})

    assert "Ce code ne correspond pas." in response.text
    assert not is_signed_in_to_the_backoffice(client)


def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(client, agent_1):
    response = client.post(
        reverse("backoffice:login"), {"email": agent_1.user.email, "password": "pas le bon"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    assert response.context["form"]["email"].value() == agent_1.user.email
    assert "backoffice_sign_in" not in client.session


def test_repeated_wrong_passwords_lock_the_address_out(client, agent_1, settings):
    settings.AXES_FAILURE_LIMIT = 2
    wrong = {"email": agent_1.user.email, "password": "pas le bon"}
    client.post(reverse("backoffice:login"), wrong)

    locked = client.post(reverse("backoffice:login"), wrong)
    right = sign_in_with_password(client, agent_1.user)

    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Réessayez dans 15 minutes." in right.text


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("citizen_a", "réservé aux agents des services"),
        ("helper", "Votre rôle (aidant, ou compte désactivé)"),
    ],
)
def test_a_citizen_or_a_helper_is_told_the_agents_space_is_not_for_them(client, who, says, request):
    user = request.getfixturevalue(who).user

    response = sign_in_with_password(client, user)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert says in response.text
    assert "backoffice_sign_in" not in client.session
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_the_code_step_expires(client, agent_1, settings):
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)

    with time_machine.travel(
        datetime.timedelta(seconds=settings.PARCOURS_AGENT_SIGN_IN_MAX_AGE + 5)
    ):
        response = client.post(reverse("backoffice:verify"), {"code": code_of(device)})

    assert response["Location"] == reverse("backoffice:login")
    assert not is_signed_in_to_the_backoffice(client)


def test_the_code_page_without_a_password_first_sends_to_the_sign_in(client):
    response = client.get(reverse("backoffice:verify"))

    assert response["Location"] == reverse("backoffice:login")


def test_an_agent_signed_in_without_the_second_factor_is_asked_for_it(client, agent_1):
    device = enrolled(agent_1.user)
    client.force_login(agent_1.user)

    response = client.get(reverse("backoffice:my_cases"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == (
        reverse("backoffice:verify") + "?next=" + reverse("backoffice:my_cases")
    )
    response = client.post(response["Location"], {"code": code_of(device)})
    assert response["Location"] == reverse("backoffice:my_cases")
    assert is_signed_in_to_the_backoffice(client)


def test_the_agent_lands_on_the_page_they_asked_for(client, agent_1):
    device = enrolled(agent_1.user)
    wanted = reverse("backoffice:my_cases")
    response = client.get(wanted)
    assert response["Location"] == reverse("backoffice:login") + "?next=" + wanted

    response = sign_in_with_password(client, agent_1.user, next_url=wanted)
    assert response["Location"] == reverse("backoffice:verify") + "?next=" + wanted.replace(
        "/", "%2F"
    )
    response = client.post(response["Location"], {"code": code_of(device), "next": wanted})

    assert response["Location"] == wanted


def test_a_next_address_off_the_site_is_ignored(client, agent_1):
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user, next_url="https://ailleurs.example/")

    response = client.post(
        reverse("backoffice:verify"), {"code": code_of(device), "next": "https://ailleurs.example/"}
    )

    assert response["Location"] == reverse("backoffice:home")


def test_signing_out_ends_the_session(client, agent_1):
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)
    client.post(reverse("backoffice:verify"), {"code": code_of(device)})

    response = client.post(reverse("backoffice:logout"))

    assert response["Location"] == reverse("backoffice:login")
    assert not is_signed_in_to_the_backoffice(client)


def test_a_signed_in_agent_going_to_the_sign_in_page_is_sent_to_their_queue(client, agent_1):
    device = enrolled(agent_1.user)
    sign_in_with_password(client, agent_1.user)
    client.post(reverse("backoffice:verify"), {"code": code_of(device)})

    response = client.get(reverse("backoffice:login"))

    assert response["Location"] == reverse("backoffice:home")
