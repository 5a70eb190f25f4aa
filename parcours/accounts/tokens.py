from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int


class MagicLinkTokenGenerator(PasswordResetTokenGenerator):
    """A sign-in token that is valid ``PARCOURS_MAGIC_LINK_MAX_AGE`` seconds, once.

    As for password reset, the token hashes the user's last login: signing in moves it,
    so a link that has been used no longer works.
    """

    key_salt = "parcours.accounts.tokens.MagicLinkTokenGenerator"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        timestamp = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - timestamp <= settings.PARCOURS_MAGIC_LINK_MAX_AGE


magic_link_token = MagicLinkTokenGenerator()
