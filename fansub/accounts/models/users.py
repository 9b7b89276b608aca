from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

HANDLE_VALIDATOR = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9_]{1,28})[a-z0-9]$",
    "3–30 characters: lowercase letters, digits and underscores, not at the start or end.",
    code="invalid_handle",
)
RESERVED_HANDLES = frozenset({"admin", "api", "static", "media", "staff", "support", "fansub", "me", "login",
                              "logout", "signup", "account", "settings", "help", "root", "system"})


class Role(models.TextChoices):
    FAN = "fan", "Fan"
    CREATOR = "creator", "Creator"
    STAFF = "staff", "Staff"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, handle: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), handle=handle.lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, handle: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.STAFF)
        return self.create_user(email, handle, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Logs in by email; known to others only by its public handle."""

    email = models.EmailField(unique=True)
    handle = models.CharField(max_length=30, unique=True, validators=[HANDLE_VALIDATOR])
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.FAN, db_index=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)  # set when a DSAR erasure tombstoned the account

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["handle"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("handle"), name="user_handle_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def is_creator(self) -> bool:
        return self.role == Role.CREATOR

    @property
    def is_fan(self) -> bool:
        return self.role == Role.FAN
