"""The end-to-end journey reuses the real OpenID Connect provider of the sign-in tests
and the real SMTP server of the email tests."""

from tests.accounts.conftest import _empty_cache, identity_provider, oidc_provider  # noqa: F401
from tests.notifications.test_smtp import smtp_server  # noqa: F401
