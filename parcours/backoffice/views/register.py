"""The register of processing activities (GDPR art. 30), generated from the procedures."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parcours.organisations.enums import AgentRole
from parcours.privacy.selectors import processing_register

from ..decorators import agent_required


@agent_required(roles=[AgentRole.ORGANISATION_ADMIN])
def register(request):
    """For the organisation's administrators: the register, as a page or as CSV."""
    entries = processing_register(request.agent.organisation_id)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="registre-des-traitements.csv"'
        response.write("\ufeff")  # spreadsheets read the accents right
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("Traitement"),
                _("Responsable"),
                _("Base légale"),
                _("Données"),
                _("Pièces"),
                _("Destinataires"),
                _("Conservation des dossiers clos (mois)"),
                _("Conservation des pièces (mois)"),
                _("Justification de la durée"),
            ]
        )
        for entry in entries:
            writer.writerow(
                [
                    _cell(entry["purpose"]),
                    _cell(entry["controller"]),
                    _cell(entry["legal_basis"]),
                    _cell(", ".join(entry["data"])),
                    _cell(", ".join(entry["documents"])),
                    _cell(entry["recipients"]),
                    entry["retention_months"],
                    entry["document_retention_months"],
                    _cell(entry["retention_basis"]),
                ]
            )
        return response
    return render(request, "backoffice/register.html", {"entries": entries})


def _cell(text: str) -> str:
    """No formula injection in a spreadsheet."""
    text = str(text or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
