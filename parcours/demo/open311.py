"""The demo's Open311 GeoReport v2: a key for the town's reporting application, and a
few reports it sent, filed through the same service as a real client's."""

from django.http import QueryDict

from parcours.open311 import selectors, services
from parcours.open311.models import Open311Key, token_hash
from parcours.organisations.models import Agent

from .story import VILLE

# Printed in the README and docs/open311.md, so that anyone can try the demo's
# POST requests. Never a real key: real ones come from the back-office or
# ``manage.py open311_key``, and only their hash is kept.
DEMO_KEY = "o311_demo-bellerive-2026"
ISSUER = f"nadia.roux@{VILLE.agent_domain}"

REPORTS = (
    {
        "service_code": "SIG",
        "lat": "47.8591",
        "long": "2.0457",
        "address_string": "Devant le 12 rue des Tanneurs",
        "description": "Le lampadaire devant le numéro 12 ne s'allume plus depuis trois soirs.",
        "attribute[category]": "lighting",
        "email": "jeanne.leroy@example.test",
        "first_name": "Jeanne",
        "last_name": "Leroy",
        "media_url": "https://photos.bellerive.test/signalements/lampadaire-12.jpg",
        "device_id": "demo-appli-1",
    },
    {
        "service_code": "SIG",
        "address_string": "Square des Tilleuls, près du portail nord",
        "description": "Des sacs de déchets ont été déposés au pied du banc.",
        "attribute[category]": "dumping",
        "email": "riverain.tilleuls@example.test",
    },
    {
        "service_code": "SIG",
        "lat": "47.8563",
        "long": "2.0512",
        "description": "Un trou profond dans la chaussée, dangereux pour les vélos.",
        "attribute[category]": "pothole",
        "attribute[danger]": "true",
        "attribute[danger_details]": "Les cyclistes font un écart vers la voie des voitures.",
        "email": "m.hamidi@example.test",
        "first_name": "Mourad",
        "last_name": "Hamidi",
    },
)


# Each report comes from someone the demo did not know yet (an address to write to
# each, as Person.clean asks): one new person each.
PEOPLE_ADDED = len(REPORTS)


def seed_open311() -> int:
    """Make the demo key and file the demo reports; the number of reports filed."""
    issuer = Agent.objects.select_related("user", "organisation").get(user__email=ISSUER)
    organisation = issuer.organisation
    key = Open311Key.objects.create(
        organisation=organisation,
        name="Appli « Bellerive dans ma rue » (démonstration)",
        prefix=DEMO_KEY[: len(services.KEY_PREFIX) + 6],
        hashed=token_hash(DEMO_KEY),
        created_by=issuer,
    )
    filed = 0
    for report in REPORTS:
        data = QueryDict(mutable=True)
        data.update(report)
        procedure = selectors.service_for(organisation, report["service_code"])
        services.request_create(organisation=organisation, procedure=procedure, key=key, data=data)
        filed += 1
    return filed
