"""What the studio adds to a procedure version: everything that is not the form.

``catalog.ProcedureVersion`` holds the form and the required documents; its
``VersionContent`` holds the rest of the procedure as it was written for that
version (public page, legal settings, routing rules, private fields for agents,
commitments, messages per event). Publishing a version freezes both: neither may change
afterwards (``VersionContent.save`` and ``ProcedureVersion.save`` refuse it), so a case
always reads the procedure it was filed under. The keys are described in
``parcours.studio.content`` and docs/procedure-format.md.
"""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.catalog.models import FrozenVersion, ProcedureVersion
from parcours.organisations.models import Organisation


class VersionContent(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    version = models.OneToOneField(
        ProcedureVersion, on_delete=models.CASCADE, related_name="studio_content"
    )
    content = models.JSONField(gettext_lazy("contenu"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("contenu de version")
        verbose_name_plural = gettext_lazy("contenus de version")

    def __str__(self):
        return str(self.version)

    def save(self, *args, **kwargs):
        if self.organisation_id is None:
            self.organisation_id = self.version.organisation_id
        if self.pk is not None:
            published = ProcedureVersion.objects.filter(
                pk=self.version_id, published_at__isnull=False
            ).exists()
            stored = VersionContent.objects.filter(pk=self.pk).values_list("content", flat=True)
            if published and list(stored) != [self.content]:
                raise FrozenVersion(
                    _("Cette version est publiée : elle ne peut plus être modifiée.")
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if ProcedureVersion.objects.filter(pk=self.version_id, published_at__isnull=False).exists():
            raise FrozenVersion(_("Cette version est publiée : elle ne peut pas être supprimée."))
        return super().delete(*args, **kwargs)
