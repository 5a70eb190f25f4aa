from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager):
    """Users sign in with their email address; there is no separate username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError(_("Une adresse électronique est obligatoire."))
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Anyone who signs in: a citizen, an agent, a helper or an administrator.

    What they may see is decided by the Person and Agent records linked to them,
    never by this model alone.
    """

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    oidc_sub = models.CharField(
        _("identifiant FranceConnect"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Identifiant stable (« sub ») donné par le fournisseur d'identité ; "
            "vide tant que la personne ne s'est pas connectée avec lui."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email
