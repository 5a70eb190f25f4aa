"""The privacy tests reuse the back-office cast (a manager of unit 2, an organisation
administrator, submitted cases, signing in with the second factor)."""

from tests.backoffice.conftest import (  # noqa: F401
    _empty_cache,
    as_agent,
    manager_2,
    org_admin,
    submitted,
    with_document,
)
