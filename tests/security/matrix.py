"""The authorisation matrix: who may open each URL of Parcours and each API operation.

One row per URL name (``namespace:name``, as in ``{% url %}``) and per API operation
(``api-v1:<operationId>``). A row says which roles get in; every other role must be
refused (sent to a sign-in page, 401, 403 or 404, or to the reason form before opening
a file outside one's units). ``tests/security/test_authorisation_matrix.py`` visits
every URL of the resolver and every operation of the OpenAPI schema as each role and
compares: a URL without a row fails the suite and says what to add here.

To declare a new URL, add a row to ``RULES`` below, e.g.::

    "portal:my_page": Rule(CITIZEN_A, kwargs=lambda w: {"reference": w["case"].reference}),
    "backoffice:my_page": Rule(UNIT_1_AGENTS, kwargs=lambda w: {"pk": w["case"].pk}),
    "portal:my_form": Rule(SIGNED_IN, method="post"),   # a view that only takes POST

- the first argument: the roles that get in (use the sets below, or ``EVERYONE``,
  ``NOBODY`` for signed links that only work with a token we issued);
- ``kwargs``: the URL's arguments, built from the world (``world`` in
  ``test_authorisation_matrix.py``: citizen A's case, document, draft, decision, …);
  objects belong to citizen A, to unit 1 (``education``) and its procedure ``SCO``;
- ``method``: "get" (default) or "post" (sent empty: a form shown again with its
  errors, or a 400/422, is "in": the door opened).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "citizen_a",
    "citizen_b",
    "helper",
    "agent_other_unit",
    "agent",
    "manager",
    "administrator",
    "superuser",
)
# "helper_with_mandate" joins ROLES when parcours.mandates provides mandates.

EVERYONE = frozenset(ROLES)
NOBODY = frozenset()
SIGNED_IN = EVERYONE - {"anonymous"}
CITIZEN_A = frozenset({"citizen_a"})
# Everyone who works in the back-office (second factor passed), whatever the unit.
AGENTS = frozenset({"agent_other_unit", "agent", "manager", "administrator"})
# The agents who handle or manage unit 1, where citizen A's case is.
UNIT_1_AGENTS = frozenset({"agent", "manager", "administrator"})
MANAGERS = frozenset({"manager", "administrator"})
ADMINISTRATORS = frozenset({"administrator"})
SUPERUSER = frozenset({"superuser"})


@dataclass(frozen=True)
class Rule:
    allowed: frozenset
    kwargs: Callable[[dict], dict] | None = None
    method: str = "get"
    # For API operations: a valid body, so that validation does not answer before the
    # authorisation does.
    body: dict | None = None
    # Sign-out: a POST answered by a redirection to a sign-in page, for everyone.
    signs_out: bool = False
    note: str = field(default="", compare=False)


def case(name="case"):
    return lambda w: {"reference": w[name].reference}


def unit(w):
    return {"unit": "education"}


def slug(w):
    return {"slug": w["procedure"].slug}


# Links sent by email, signed: without one we issued, nobody gets in (a forged token).
FORGED_TOKEN = "eyJpZCI6MX0:forged:signature"


def token(w):
    return {"token": FORGED_TOKEN}


RULES: dict[str, Rule] = {
    # --- Public pages, sign-in, health --------------------------------------------
    "healthz": Rule(EVERYONE),
    "set_language": Rule(EVERYONE, method="post"),
    "login": Rule(EVERYONE),
    "logout": Rule(EVERYONE, method="post", signs_out=True),
    "accounts:magic_link_request": Rule(EVERYONE),
    "accounts:magic_link_sent": Rule(EVERYONE),
    # A link we did not send: a polite page saying so, to everyone.
    "accounts:magic_link_confirm": Rule(
        EVERYONE, kwargs=lambda w: {"uidb64": "MQ", "token": "forged-token"}
    ),
    "accounts:oidc_authenticate": Rule(EVERYONE),
    # Without an identity provider configured (as in the tests), there is no callback.
    "accounts:oidc_callback": Rule(NOBODY),
    "accounts:oidc_logout": Rule(EVERYONE, method="post"),
    "portal:home": Rule(EVERYONE),
    "portal:procedures": Rule(EVERYONE),
    "portal:procedure": Rule(EVERYONE, kwargs=slug),
    "portal:contact": Rule(EVERYONE),
    "portal:accessibility": Rule(EVERYONE),
    "portal:appointments": Rule(EVERYONE),
    "portal:appointment_verify": Rule(EVERYONE),
    "portal:appointment_types": Rule(EVERYONE, kwargs=slug),
    "portal:appointment_slots": Rule(EVERYONE, kwargs=lambda w: {"pk": w["appointment_type"].pk}),
    "portal:appointment_book": Rule(EVERYONE, kwargs=lambda w: {"pk": w["appointment_type"].pk}),
    "portal:appointment_waiting_join": Rule(
        EVERYONE, kwargs=lambda w: {"pk": w["appointment_type"].pk}
    ),
    "portal:appointment_manage": Rule(NOBODY, kwargs=token),
    "portal:appointment_cancel": Rule(NOBODY, kwargs=token),
    "portal:appointment_move": Rule(NOBODY, kwargs=token),
    "portal:appointment_ics": Rule(NOBODY, kwargs=token),
    "portal:appointment_offer": Rule(NOBODY, kwargs=token),
    "portal:appointment_waiting": Rule(NOBODY, kwargs=token),
    # --- The citizen space: anyone signed in has one; objects are citizen A's -------
    "portal:cases": Rule(SIGNED_IN),
    "portal:profile": Rule(SIGNED_IN),
    "portal:profile_dispute": Rule(SIGNED_IN),
    "portal:appointments_mine": Rule(SIGNED_IN),
    "portal:write": Rule(SIGNED_IN),
    "portal:callback": Rule(SIGNED_IN),
    "portal:apply_start": Rule(SIGNED_IN, kwargs=slug),
    "portal:data_journal": Rule(SIGNED_IN),
    "portal:case": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:apply_done": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:receipt": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:receipt_pdf": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:case_withdraw": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:case_answer": Rule(CITIZEN_A, kwargs=case("awaiting")),
    "portal:case_correct": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:case_correct_review": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:case_messages": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:document": Rule(
        CITIZEN_A, kwargs=lambda w: {"reference": w["sent"].reference, "pk": w["document"].pk}
    ),
    "portal:decision": Rule(
        CITIZEN_A, kwargs=lambda w: {"reference": w["decided"].reference, "pk": w["decision"].pk}
    ),
    "portal:decision_pdf": Rule(
        CITIZEN_A, kwargs=lambda w: {"reference": w["decided"].reference, "pk": w["decision"].pk}
    ),
    "portal:apply_step": Rule(CITIZEN_A, kwargs=lambda w: {"pk": w["draft"].pk, "step": 1}),
    "portal:apply_documents": Rule(CITIZEN_A, kwargs=lambda w: {"pk": w["draft"].pk}),
    "portal:apply_document_remove": Rule(
        CITIZEN_A,
        kwargs=lambda w: {"pk": w["draft"].pk, "document_pk": w["draft_document"].pk},
        method="post",
    ),
    "portal:apply_review": Rule(CITIZEN_A, kwargs=lambda w: {"pk": w["draft"].pk}),
    "portal:callback_confirmation": Rule(CITIZEN_A, kwargs=lambda w: {"pk": w["callback"].pk}),
    # --- The agents' space -----------------------------------------------------------
    "backoffice:login": Rule(EVERYONE),
    # The second factor's steps: for agents (anyone else is sent to the password step).
    "backoffice:verify": Rule(AGENTS),
    "backoffice:enrol": Rule(AGENTS),
    "backoffice:logout": Rule(EVERYONE, method="post", signs_out=True),
    "backoffice:home": Rule(AGENTS),
    "backoffice:my_cases": Rule(AGENTS),
    "backoffice:search": Rule(AGENTS),
    "backoffice:opinions": Rule(AGENTS),
    "backoffice:appointments": Rule(AGENTS),
    # Queues and appointments are the units' own: an organisation administrator, who
    # belongs to no unit, has none.
    "backoffice:queue": Rule(frozenset({"agent", "manager"}), kwargs=unit),
    "backoffice:claim_next": Rule(frozenset({"agent", "manager"}), kwargs=unit, method="post"),
    "backoffice:team_home": Rule(MANAGERS),
    "backoffice:accesses": Rule(MANAGERS),
    "backoffice:message_templates": Rule(MANAGERS),
    "backoffice:message_template_new": Rule(MANAGERS),
    "backoffice:message_template": Rule(MANAGERS, kwargs=lambda w: {"pk": w["template"].pk}),
    "backoffice:team": Rule(MANAGERS, kwargs=unit),
    "backoffice:margins_report": Rule(MANAGERS, kwargs=unit),
    "backoffice:case": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_take": Rule(frozenset({"agent", "manager"}), kwargs=case("sent")),
    "backoffice:case_reassign": Rule(MANAGERS, kwargs=case("sent")),
    "backoffice:document": Rule(
        UNIT_1_AGENTS,
        kwargs=lambda w: {"reference": w["sent"].reference, "pk": w["document"].pk},
    ),
    "backoffice:document_preview": Rule(
        UNIT_1_AGENTS,
        kwargs=lambda w: {"reference": w["sent"].reference, "pk": w["document"].pk},
    ),
    # The reason form is for agents of the same organisation outside unit 1 (those of
    # unit 1 are sent straight to the case).
    "backoffice:case_access": Rule(AGENTS, kwargs=case("sent")),
    "backoffice:person": Rule(AGENTS, kwargs=lambda w: {"pk": w["citizen_a"].pk}),
    "backoffice:person_access": Rule(AGENTS, kwargs=lambda w: {"pk": w["citizen_a"].pk}),
    "backoffice:case_start_review": Rule(UNIT_1_AGENTS, kwargs=case("sent"), method="post"),
    "backoffice:case_message": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_request_information": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_decide": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_close": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_hand_over": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_reroute": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_ask_opinion": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_note": Rule(UNIT_1_AGENTS, kwargs=case("sent"), method="post"),
    "backoffice:case_extend_deadline": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_waive_document": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "backoffice:case_fast_track": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    # The opinion was asked of unit 2.
    "backoffice:opinion": Rule(
        frozenset({"agent_other_unit"}), kwargs=lambda w: {"pk": w["opinion"].pk}
    ),
    "backoffice:appointments_day": Rule(frozenset({"agent", "manager"}), kwargs=unit),
    "backoffice:appointments_week": Rule(frozenset({"agent", "manager"}), kwargs=unit),
    "backoffice:appointment_book": Rule(frozenset({"agent", "manager"}), kwargs=unit),
    "backoffice:appointment_closure": Rule(MANAGERS, kwargs=unit),
    "backoffice:appointment": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"pk": w["appointment"].pk}
    ),
    "backoffice:appointment_check_in": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"pk": w["appointment"].pk}, method="post"
    ),
    "backoffice:appointment_no_show": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"pk": w["appointment"].pk}, method="post"
    ),
    "backoffice:appointment_take": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"pk": w["appointment"].pk}, method="post"
    ),
    "backoffice:appointment_note": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"pk": w["appointment"].pk}, method="post"
    ),
    "backoffice:appointment_cancel": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"pk": w["appointment"].pk}, method="post"
    ),
    # --- The JSON API: agents' tokens only; the case and appointment are unit 1's ----
    "api-v1:api-root": Rule(NOBODY),
    # The admin site: its sign-in and sign-out pages are for everyone; every other page
    # of it is the superuser's (the "admin:" rule of the test).
    "admin:login": Rule(EVERYONE),
    "admin:logout": Rule(EVERYONE, method="post", signs_out=True),
    "api-v1:openapi-json": Rule(EVERYONE),
    "api-v1:openapi-view": Rule(EVERYONE),
    # Their own unit's queue (an organisation administrator has none).
    "api-v1:queue_list": Rule(frozenset({"agent", "agent_other_unit", "manager"})),
    "api-v1:queue_claim": Rule(
        frozenset({"agent", "agent_other_unit", "manager"}), method="post"
    ),
    "api-v1:case_read": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "api-v1:case_message": Rule(
        UNIT_1_AGENTS, kwargs=case("sent"), method="post", body={"body": "Bonjour."}
    ),
    "api-v1:case_transition": Rule(
        frozenset({"agent", "manager"}),
        kwargs=case("sent"),
        method="post",
        body={"transition": "accept", "reason": "Complet."},
    ),
    "api-v1:appointment_availability": Rule(AGENTS),
    "api-v1:appointment_book": Rule(AGENTS, method="post"),
    "api-v1:appointment_read": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"appointment_id": w["appointment"].pk}
    ),
    "api-v1:appointment_cancel": Rule(
        frozenset({"agent", "manager"}),
        kwargs=lambda w: {"appointment_id": w["appointment"].pk},
        method="post",
        body={"reason": "Le service est fermé."},
    ),
}

# Pages of the admin site that fail for the superuser for a reason other than who may
# open them (found by this matrix; each has its own fix to make). They are still tried
# for every other role, who must be sent to the admin's sign-in.
ADMIN_PAGES_FAILING = {
    "admin:catalog_procedure_add": "KeyError 'slug' in ProcedureForm (the admin's fieldsets)",
    "admin:organisations_organisation_add": "URLField without assume_scheme (Django 6 warning)",
    "admin:dsfr_dsfrconfig_add": "django-dsfr's URLField without assume_scheme (Django 6 warning)",
}
