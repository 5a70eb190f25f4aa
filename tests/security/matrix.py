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
    "helper_with_mandate",
    "agent_other_unit",
    "agent",
    "manager",
    "administrator",
    "superuser",
)
# "helper": a helper (aidant) of a France Services structure to whom citizen A gave no
# mandate; "helper_with_mandate": the helper citizen A gave an active mandate over the
# procedure SCO (parcours.mandates).

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
# Every helper (aidant): their space, and starting a mandate with someone.
HELPERS = frozenset({"helper", "helper_with_mandate"})
# The helper to whom citizen A gave a mandate: acting under it, on the cases it covers.
MANDATED_HELPER = frozenset({"helper_with_mandate"})


@dataclass(frozen=True)
class Rule:
    allowed: frozenset
    kwargs: Callable[[dict], dict] | None = None
    method: str = "get"
    # For API operations: a valid body, so that validation does not answer before the
    # authorisation does.
    body: dict | None = None
    # A health page that answers 503 when something it checks is down.
    may_be_unavailable: bool = False
    # Sign-out: a POST answered by a redirection to a sign-in page, for everyone.
    signs_out: bool = False
    note: str = field(default="", compare=False)


def case(name="case"):
    return lambda w: {"reference": w[name].reference}


def unit(w):
    return {"unit": "education"}


def slug(w):
    return {"slug": w["procedure"].slug}


def mandate(w):
    return {"pk": w["mandate"].pk}


# Links sent by email, signed: without one we issued, nobody gets in (a forged token).
FORGED_TOKEN = "eyJpZCI6MX0:forged:signature"


def token(w):
    return {"token": FORGED_TOKEN}


def street_report(w) -> str:
    """Open311: a published street report of the world's organisation (its code)."""
    from tests.factories import ProcedureFactory

    procedure = w["procedure"]
    ProcedureFactory(
        handling_unit=procedure.handling_unit,
        code="RUE",
        is_geolocated=True,
        version={"fields": [{"name": "place", "label": "Où ?", "type": "location"}]},
    )
    return "RUE"


def open311_report(w):
    """Open311: a report filed with a key of the world's organisation."""
    from django.http import QueryDict

    from parcours.open311 import selectors, services
    from parcours.organisations.enums import AgentRole
    from tests.factories import AgentFactory

    code = street_report(w)
    organisation = w["procedure"].organisation
    issuer = AgentFactory(unit=w["procedure"].handling_unit, role=AgentRole.ORGANISATION_ADMIN)
    key, _raw = services.open311_key_create(by=issuer, name="Appli")
    data = QueryDict(mutable=True)
    data.update({"lat": "47.85", "long": "2.05"})
    procedure = selectors.service_for(organisation, code)
    return services.request_create(
        organisation=organisation, procedure=procedure, key=key, data=data
    )


def webhook(w):
    """A webhook endpoint of the world's organisation (made as is: no address check)."""
    from parcours.webhooks.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        organisation=w["procedure"].organisation,
        name="GRU",
        url="https://gru.example.fr/parcours",
        secret="whsec_matrix",
        events=["case.submitted"],
    )
    return {"pk": endpoint.pk}


def open311_key(w):
    from parcours.open311.services import open311_key_create
    from parcours.organisations.enums import AgentRole
    from tests.factories import AgentFactory

    issuer = AgentFactory(unit=w["procedure"].handling_unit, role=AgentRole.ORGANISATION_ADMIN)
    return {"pk": open311_key_create(by=issuer, name="Appli")[0].pk}


RULES: dict[str, Rule] = {
    # --- Public pages, sign-in, health --------------------------------------------
    "healthz": Rule(EVERYONE),
    # Readiness answers 503 while no worker has been seen (as in the tests): still open.
    "readyz": Rule(EVERYONE, may_be_unavailable=True),
    # Only a bearer token or an allowed address (none in the tests): 404 to anyone else.
    "metrics": Rule(NOBODY),
    "set_language": Rule(EVERYONE, method="post"),
    "login": Rule(EVERYONE),
    "logout": Rule(EVERYONE, method="post", signs_out=True),
    "accounts:magic_link": Rule(EVERYONE),
    "accounts:magic_link_sent": Rule(EVERYONE),
    # A link we did not send: a polite page saying so, to everyone.
    "accounts:magic_link_confirm": Rule(
        EVERYONE, kwargs=lambda w: {"uidb64": "MQ", "token": "forged-token"}
    ),
    # Without an identity provider configured (as in the tests), nothing to start.
    "accounts:oidc_start": Rule(NOBODY),
    # Without an identity provider configured (as in the tests), there is no callback.
    "accounts:oidc_callback": Rule(NOBODY),
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
    "portal:my_data": Rule(SIGNED_IN),
    "portal:data_export_json": Rule(SIGNED_IN),
    "portal:data_export_html": Rule(SIGNED_IN),
    "portal:case": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:apply_done": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:receipt": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:receipt_pdf": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:case_withdraw": Rule(CITIZEN_A, kwargs=case("sent")),
    "portal:case_answer": Rule(CITIZEN_A, kwargs=case("awaiting")),
    "portal:case_send_documents": Rule(CITIZEN_A, kwargs=case("sent")),
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
    "portal:information": Rule(SIGNED_IN),
    "portal:consent_withdraw": Rule(
        CITIZEN_A, kwargs=lambda w: {"pk": w["consent"].pk}, method="post"
    ),
    # --- Helpers (aidants): their space is every helper's; a mandate's pages and the
    # cases filed under it only the helper citizen A gave the mandate to. A helper never
    # opens citizen A's own pages (the portal is the person's) nor the back-office.
    "helpers:home": Rule(HELPERS),
    "helpers:mandate_new": Rule(HELPERS),
    "helpers:mandate": Rule(MANDATED_HELPER, kwargs=mandate),
    # An active mandate: the code page sends the helper on to the mandate.
    "helpers:code": Rule(MANDATED_HELPER, kwargs=mandate),
    "helpers:start": Rule(
        MANDATED_HELPER,
        kwargs=lambda w: {"pk": w["mandate"].pk, "slug": w["procedure"].slug},
        method="post",
    ),
    "helpers:case": Rule(
        MANDATED_HELPER,
        kwargs=lambda w: {"pk": w["mandate"].pk, "reference": w["mandated"].reference},
    ),
    "helpers:case_answer": Rule(
        MANDATED_HELPER,
        kwargs=lambda w: {"pk": w["mandate"].pk, "reference": w["mandated"].reference},
    ),
    "helpers:case_documents": Rule(
        MANDATED_HELPER,
        kwargs=lambda w: {"pk": w["mandate"].pk, "reference": w["mandated"].reference},
    ),
    "mandates:mine": Rule(SIGNED_IN),
    "mandates:revoke": Rule(CITIZEN_A, kwargs=mandate, method="post"),
    # --- Life events and journeys: citizen A's journey, coordinated by unit 1 -----------
    "journeys:life_events": Rule(EVERYONE),
    "journeys:life_event": Rule(EVERYONE, kwargs=lambda w: {"slug": w["life_event"].slug}),
    "journeys:start": Rule(
        SIGNED_IN, kwargs=lambda w: {"slug": w["life_event"].slug}, method="post"
    ),
    "journeys:mine": Rule(SIGNED_IN),
    "journeys:journey": Rule(CITIZEN_A, kwargs=lambda w: {"pk": w["journey"].pk}),
    "journeys:start_step": Rule(
        CITIZEN_A,
        kwargs=lambda w: {"pk": w["journey"].pk, "step_pk": w["journey_step"].pk},
        method="post",
    ),
    # The person stops their journey (a form, then a POST).
    "journeys:abandon": Rule(CITIZEN_A, kwargs=lambda w: {"pk": w["journey"].pk}),
    "journeys_backoffice:list": Rule(AGENTS),
    # The coordinating unit's agents (an administrator belongs to no unit).
    "journeys_backoffice:journey": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"pk": w["journey"].pk}
    ),
    "journeys_backoffice:take": Rule(
        frozenset({"agent", "manager"}), kwargs=lambda w: {"pk": w["journey"].pk}, method="post"
    ),
    # Only the referent (agent 1) closes the journey; the other agents of unit 1 see it
    # and are refused (403).
    "journeys_backoffice:close": Rule(
        frozenset({"agent"}), kwargs=lambda w: {"pk": w["journey"].pk}
    ),
    # Only the referent (agent 1) reads the journey's cases, whatever their unit.
    "journeys_backoffice:case": Rule(
        frozenset({"agent"}),
        kwargs=lambda w: {"pk": w["journey"].pk, "reference": w["journey_case"].reference},
    ),
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
    "backoffice:processing_register": Rule(ADMINISTRATORS),
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
    "backoffice:case_private_fields": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
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
    "api-v1:queue_claim": Rule(frozenset({"agent", "agent_other_unit", "manager"}), method="post"),
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
    # The catalogue is public; the cases and contacts are the agent's units' (a contact
    # is recorded on someone the body names: here nobody, so a 422 is "in").
    "api-v1:procedure_list": Rule(EVERYONE),
    "api-v1:procedure_read": Rule(EVERYONE, kwargs=lambda w: {"slug": w["procedure"].slug}),
    "api-v1:case_list": Rule(AGENTS),
    "api-v1:case_contacts": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    "api-v1:contact_create": Rule(
        AGENTS,
        method="post",
        body={"channel": "phone", "subject": "Question", "email": "personne@example.org"},
    ),
    # --- Open311 GeoReport v2 (docs/open311.md): reading is public by the standard and
    # shows no person; filing a report needs an api_key (tests/open311), never a session.
    "open311:services": Rule(EVERYONE, kwargs=lambda w: street_report(w) and {"fmt": "json"}),
    "open311:service_definition": Rule(
        EVERYONE, kwargs=lambda w: {"service_code": street_report(w), "fmt": "xml"}
    ),
    "open311:requests": Rule(EVERYONE, kwargs=lambda w: street_report(w) and {"fmt": "json"}),
    "open311:request": Rule(
        EVERYONE,
        kwargs=lambda w: {
            "service_request_id": open311_report(w).case.reference,
            "fmt": "json",
        },
    ),
    "open311:token": Rule(
        EVERYONE, kwargs=lambda w: {"token": str(open311_report(w).token), "fmt": "xml"}
    ),
    # Any other address: GeoReport's 404, for everyone.
    "open311:root": Rule(NOBODY),
    "open311:unknown": Rule(NOBODY, kwargs=lambda w: {"rest": "discovery.json"}),
    "backoffice:open311_keys": Rule(ADMINISTRATORS),
    "backoffice:open311_key_revoke": Rule(ADMINISTRATORS, kwargs=open311_key, method="post"),
    # Webhooks (docs/webhooks.md): the organisation's administrators only.
    "backoffice:webhooks": Rule(ADMINISTRATORS),
    "backoffice:webhook": Rule(ADMINISTRATORS, kwargs=webhook),
    "backoffice:webhook_ping": Rule(ADMINISTRATORS, kwargs=webhook, method="post"),
    "backoffice:webhook_rotate": Rule(ADMINISTRATORS, kwargs=webhook, method="post"),
    "backoffice:webhook_toggle": Rule(ADMINISTRATORS, kwargs=webhook, method="post"),
    "backoffice:webhook_delete": Rule(ADMINISTRATORS, kwargs=webhook, method="post"),
}

# ---------------------------------------------------------------------------
# Channels (parcours.channels): emails received, exchanges, requests filed by an agent,
# call-backs, duplicates. The objects belong to unit 1 and citizen A; they are made
# within each visit (which is rolled back). An organisation administrator belongs to
# no unit: the units' own triage, letters and call-backs are not theirs.

UNIT_1_MEMBERS = frozenset({"agent", "manager"})
AGENT_1 = frozenset({"agent"})


def _channels(w) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from parcours.cases import services as case_services
    from parcours.channels import inbound, services
    from parcours.channels.models import PersonMerge
    from parcours.contacts.models import CallbackRequest
    from parcours.organisations.models import Agent

    unit_1 = w["procedure"].handling_unit
    citizen_a = w["citizen_a"]
    agent_1 = Agent.objects.filter(units=unit_1, role="agent").order_by("pk").first()
    unit_1.email = "education@bellerive.example.org"
    unit_1.save()
    content = (
        b"From: zoe@example.net\r\nTo: education@bellerive.example.org\r\n"
        b"Subject: Cantine\r\n\r\nBonjour.\r\n"
    )
    with override_settings(PARCOURS_INBOUND_DOMAINS=["bellerive.example.org"]):
        email = inbound.receive(
            envelope_from="zoe@example.net", recipients=[unit_1.email], content=content
        )
    letter = services.contact_record(
        by=agent_1.user,
        person=citizen_a,
        unit=unit_1,
        channel="post",
        subject="Courrier",
        scan=SimpleUploadedFile("lettre.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    draft = services.assisted_start(
        by=agent_1.user, person=citizen_a, procedure=w["procedure"], channel="counter"
    )
    filed = services.assisted_start(
        by=agent_1.user, person=citizen_a, procedure=w["procedure"], channel="phone"
    )
    case_services.case_update_draft(case=filed, by=agent_1.user, form_data={"subject": "Objet"})
    filed = case_services.case_submit(case=filed, by=agent_1.user)
    callback = CallbackRequest.objects.create(
        organisation=unit_1.organisation,
        person=citizen_a,
        unit=unit_1,
        phone="06 12 34 56 78",
        day=filed.received_on,
        half_day="morning",
        topic="Rappel",
    )
    merge = PersonMerge.objects.create(
        organisation=unit_1.organisation,
        kept=citizen_a,
        merged_person_id=999_999,
        merged_snapshot={"full_name": "Alice Durand"},
        by_name="Responsable",
    )
    return {
        "email": email,
        "letter": letter,
        "draft": draft,
        "filed": filed,
        "callback": callback,
        "merge": merge,
    }


def channels_pk(name):
    return lambda w: {"pk": _channels(w)[name].pk}


def channels_reference(w):
    return {"reference": _channels(w)["filed"].reference}


def person_a(w):
    return {"pk": w["citizen_a"].pk}


RULES.update(
    {
        "channels:triage": Rule(AGENTS),
        "channels:inbound": Rule(UNIT_1_MEMBERS, kwargs=channels_pk("email")),
        "channels:inbound_raw": Rule(UNIT_1_MEMBERS, kwargs=channels_pk("email")),
        "channels:contact_new": Rule(AGENTS),
        "channels:contact_scan": Rule(UNIT_1_MEMBERS, kwargs=channels_pk("letter")),
        "channels:person_contact": Rule(AGENTS, kwargs=person_a),
        "channels:assisted_start": Rule(AGENTS, kwargs=person_a),
        # Only the agent who started a request for a person fills and sends it.
        "channels:assisted_fill": Rule(AGENT_1, kwargs=channels_pk("draft")),
        "channels:assisted_document": Rule(AGENT_1, kwargs=channels_pk("draft"), method="post"),
        "channels:assisted_done": Rule(AGENT_1, kwargs=channels_reference),
        "channels:assisted_receipt_pdf": Rule(AGENT_1, kwargs=channels_reference),
        "channels:duplicates": Rule(MANAGERS),
        "channels:duplicate_pair": Rule(
            MANAGERS,
            kwargs=lambda w: {"first": w["citizen_a"].pk, "second": _second_person(w).pk},
        ),
        "channels:merge": Rule(AGENTS, kwargs=channels_pk("merge")),
        "channels:callbacks": Rule(AGENTS),
        "channels:callback": Rule(UNIT_1_MEMBERS, kwargs=channels_pk("callback")),
        "channels:person_callback": Rule(AGENTS, kwargs=person_a),
    }
)


def _second_person(w):
    from parcours.people.models import Person

    return (
        Person.objects.filter(organisation_id=w["citizen_a"].organisation_id)
        .exclude(pk=w["citizen_a"].pk)
        .order_by("pk")
        .first()
    )


# --- Listening (parcours/listening): feedback, experiences, complaints, ideas ------------
def _listening_experience(w):
    """A published experience about unit 1, told by citizen A."""
    from parcours.listening.services.experiences import experience_submit

    return experience_submit(
        unit=w["procedure"].handling_unit,
        channel="counter",
        tone="negative",
        title="Attente",
        body="Deux heures d'attente.",
        user=w["citizen_a"].user,
    )


def _listening_idea(w):
    """A published idea of citizen A for the world's organisation."""
    from parcours.listening.services.ideas import idea_propose

    return idea_propose(
        organisation=w["procedure"].organisation,
        by=w["citizen_a"].user,
        title="Une idée",
        body="Un formulaire plus court.",
    )


def _listening_report(w):
    """A report of the unit 1 agent on the world's procedure, from citizen A's case."""
    from parcours.listening.services.agent_feedback import agent_feedback_report
    from parcours.organisations.models import Agent

    case = w["sent"]
    author = Agent.objects.filter(units=case.unit, role="agent").order_by("pk").first()
    return agent_feedback_report(case=case, by=author, kind="other", description="Une difficulté.")


def _organisation_slug(w):
    return {"slug": w["procedure"].organisation.slug}


def _idea(w):
    return {"slug": w["procedure"].organisation.slug, "pk": _listening_idea(w).pk}


RULES.update(
    {
        "portal:feedback_thanks": Rule(EVERYONE),
        "portal:feedback": Rule(NOBODY, kwargs=token),
        "portal:experiences": Rule(EVERYONE),
        "portal:experience_new": Rule(EVERYONE),
        "portal:experience_sent": Rule(EVERYONE, note="back to the list without one"),
        "portal:experience_confirm": Rule(NOBODY, kwargs=token),
        "portal:experiences_of": Rule(EVERYONE, kwargs=_organisation_slug),
        "portal:complaints": Rule(SIGNED_IN),
        "portal:complaint_new": Rule(SIGNED_IN, note="without a record, sent to contact"),
        "portal:complaint": Rule(
            CITIZEN_A, kwargs=lambda w: {"reference": w["complaint"].reference}
        ),
        "portal:ideas": Rule(EVERYONE),
        "portal:ideas_of": Rule(EVERYONE, kwargs=_organisation_slug),
        "portal:you_said_we_did": Rule(EVERYONE, kwargs=_organisation_slug),
        "portal:idea": Rule(EVERYONE, kwargs=_idea),
        "portal:idea_support": Rule(SIGNED_IN, kwargs=_idea, method="post"),
        "portal:idea_comment": Rule(SIGNED_IN, kwargs=_idea, method="post"),
        "backoffice:listening": Rule(AGENTS),
        "backoffice:listening_experience": Rule(
            UNIT_1_AGENTS, kwargs=lambda w: {"public_id": _listening_experience(w).public_id}
        ),
        "backoffice:listening_report": Rule(
            UNIT_1_AGENTS, kwargs=lambda w: {"pk": _listening_report(w).pk}
        ),
        "backoffice:listening_procedure_reports": Rule(
            MANAGERS, kwargs=lambda w: {"code": w["procedure"].code}
        ),
        "backoffice:listening_idea": Rule(MANAGERS, kwargs=lambda w: {"pk": _listening_idea(w).pk}),
        "backoffice:complaint": Rule(
            UNIT_1_AGENTS, kwargs=lambda w: {"reference": w["complaint"].reference}
        ),
        "backoffice:complaint_record": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
        "backoffice:report_friction": Rule(UNIT_1_AGENTS, kwargs=case("sent")),
    }
)


# ---------------------------------------------------------------------------
# The procedure studio (backoffice/views/studio.py): organisation administrators, for
# their own organisation's procedures (SCO here; its version 1 is published).


def _studio(**extra):
    return lambda w: {"pk": w["procedure"].pk, **extra}


RULES.update(
    {
        "backoffice:studio": Rule(ADMINISTRATORS),
        "backoffice:studio_import": Rule(ADMINISTRATORS),
        "backoffice:studio_procedure": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_draft_start": Rule(ADMINISTRATORS, kwargs=_studio(), method="post"),
        "backoffice:studio_publish": Rule(ADMINISTRATORS, kwargs=_studio(), method="post"),
        "backoffice:studio_public": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_form": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_form_field": Rule(ADMINISTRATORS, kwargs=_studio(name="subject")),
        "backoffice:studio_private": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_private_field": Rule(ADMINISTRATORS, kwargs=_studio(name="note")),
        "backoffice:studio_documents": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_routing": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_legal": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_commitments": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_messages": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_preview": Rule(ADMINISTRATORS, kwargs=_studio()),
        "backoffice:studio_preview_step": Rule(ADMINISTRATORS, kwargs=_studio(step=1)),
        "backoffice:studio_compare": Rule(ADMINISTRATORS, kwargs=_studio(old=1, new=1)),
        "backoffice:studio_export": Rule(ADMINISTRATORS, kwargs=_studio()),
    }
)


# ---------------------------------------------------------------------------
# Statistics (parcours.stats): the managers' pages, then the public results and their
# open data, for everyone.


def _results(w):
    return {"organisation": w["procedure"].organisation.slug}


RULES.update(
    {
        "stats:dashboard": Rule(MANAGERS),
        "stats:equality": Rule(MANAGERS),
        "stats:load": Rule(MANAGERS),
        "results:index": Rule(EVERYONE),
        "results:schema": Rule(EVERYONE),
        "results:organisation": Rule(EVERYONE, kwargs=_results),
        "results:csv": Rule(EVERYONE, kwargs=_results),
        "results:json": Rule(EVERYONE, kwargs=_results),
    }
)


# ---------------------------------------------------------------------------
# People's requests about their data (backoffice/views/rights.py): the organisation's
# administrators and the managers of a unit holding the person's cases (unit 1 for
# citizen A); the readable copy of one's data, as a PDF, for anyone signed in.


def _rights_request(w):
    from parcours.privacy.rights import rights_request_create

    request = rights_request_create(
        user=w["citizen_a"].user, person_id=None, kind="correction", details="Mon nom."
    )
    return {"pk": request.pk}


RULES.update(
    {
        "portal:data_export_pdf": Rule(SIGNED_IN),
        "backoffice:rights_requests": Rule(MANAGERS),
        "backoffice:rights_request": Rule(MANAGERS, kwargs=_rights_request),
        "backoffice:rights_request_take": Rule(MANAGERS, kwargs=_rights_request, method="post"),
        "backoffice:rights_request_extend": Rule(MANAGERS, kwargs=_rights_request, method="post"),
        "backoffice:rights_request_accept": Rule(MANAGERS, kwargs=_rights_request, method="post"),
        "backoffice:rights_request_refuse": Rule(MANAGERS, kwargs=_rights_request, method="post"),
    }
)
