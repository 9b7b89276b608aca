"""Trust & Safety: reports (one open case per thing and category, many filings), actions, strikes,
appeals, account standing (suspension, ban, restriction, payout freeze) and text-screening rules."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.state_machine import TransitionTable, choices_constraint
from fansub.accounts.models import User


class TargetKind(models.TextChoices):
    POST = "post", "Post"
    COMMENT = "comment", "Comment"
    MESSAGE = "message", "Message"
    PROFILE = "profile", "Profile"
    TIP = "tip", "Tip note"
    CUSTOM_REQUEST = "custom_request", "Custom request"
    MEDIA = "media", "Media item"


class Category(models.TextChoices):
    SPAM = "spam", "Spam"
    HARASSMENT = "harassment", "Harassment"
    ILLEGAL_CONTENT = "illegal_content", "Illegal content"
    SUSPECTED_MINOR = "suspected_minor", "Suspected minor"
    NON_CONSENSUAL = "non_consensual", "Non-consensual content"
    COPYRIGHT = "copyright", "Copyright"
    IMPERSONATION = "impersonation", "Impersonation"
    OTHER = "other", "Other"


# Higher is worse; the queue is ordered by severity, then age.
SEVERITY = {Category.SUSPECTED_MINOR: 5, Category.ILLEGAL_CONTENT: 4, Category.NON_CONSENSUAL: 4,
            Category.HARASSMENT: 3, Category.IMPERSONATION: 2, Category.COPYRIGHT: 2, Category.SPAM: 1,
            Category.OTHER: 1}


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    REMOVED = "removed", "Content removed"
    RESTRICTED = "restricted", "Restricted (hidden from discovery)"
    REVERIFICATION = "reverification", "Re-verification required"
    SUSPENDED = "suspended", "Account suspended"
    BANNED = "banned", "Account banned"
    OVERTURNED = "overturned", "Overturned on appeal"


class ActionKind(models.TextChoices):
    DISMISS = "dismiss", "Dismiss"
    REMOVE_CONTENT = "remove_content", "Remove content"
    RESTRICT = "restrict", "Restrict (hide from discovery)"
    REQUIRE_REVERIFICATION = "require_reverification", "Require re-verification"
    SUSPEND = "suspend", "Suspend for a period"
    BAN = "ban", "Ban"


RS = ReportStatus
# The one table every moderation action goes through: an open report is decided once, by one action;
# an upheld appeal overturns an enforcement (a dismissal has nothing to appeal).
ACTION_TARGET = {ActionKind.DISMISS: RS.DISMISSED, ActionKind.REMOVE_CONTENT: RS.REMOVED,
                 ActionKind.RESTRICT: RS.RESTRICTED, ActionKind.REQUIRE_REVERIFICATION: RS.REVERIFICATION,
                 ActionKind.SUSPEND: RS.SUSPENDED, ActionKind.BAN: RS.BANNED}
ENFORCED = {RS.REMOVED, RS.RESTRICTED, RS.REVERIFICATION, RS.SUSPENDED, RS.BANNED}
REPORT_TRANSITIONS = TransitionTable("report", {
    RS.OPEN: set(ACTION_TARGET.values()),
    **{state: {RS.OVERTURNED} for state in ENFORCED},
    RS.DISMISSED: set(),
    RS.OVERTURNED: set(),
})


class Source(models.TextChoices):
    USER = "user", "Signed-in user"
    PUBLIC = "public", "Public form"
    SCREENING = "screening", "Text screening"
    STAFF = "staff", "Staff"


class Report(models.Model):
    """One case per reported thing and category while it is open; identical reports join it as filings."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    target_id = models.CharField(max_length=64)
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="reports_against", help_text="The account responsible for the thing.")
    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(default=1, db_index=True)
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.USER)
    snapshot = models.JSONField(default=dict, blank=True, help_text="The reported content as it was when reported.")
    filings_count = models.PositiveIntegerField(default=0)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="assigned_reports")
    due_at = models.DateTimeField(db_index=True, help_text="SLA deadline for the category.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-severity", "created_at"]
        constraints = [
            choices_constraint("status", ReportStatus, "moderation_report_status_valid"),
            models.UniqueConstraint(fields=["target_kind", "target_id", "category"], condition=Q(status="open"),
                                    name="moderation_one_open_report_per_target_category"),
        ]
        indexes = [models.Index(fields=["status", "-severity", "created_at"])]
        permissions = [("reveal_media", "Can reveal reported media in the safe view"),
                       ("review_child_safety", "Can review suspected-minor reports (Child safety)")]

    def __str__(self) -> str:
        return f"report {self.pk} ({self.category} on {self.target_kind} {self.target_id}, {self.status})"


class ReportFiling(models.Model):
    """One person's report (a signed-in user, or a contact address from the public form)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="filings")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reports_filed")
    contact_email = models.EmailField(blank=True)
    details = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    outcome_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "reporter"], condition=Q(reporter__isnull=False),
                                               name="moderation_one_filing_per_reporter")]


class ModerationAction(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="moderation_actions")
    kind = models.CharField(max_length=24, choices=ActionKind.choices)
    rule = models.CharField(max_length=20, choices=Category.choices, help_text="The rule the decision applies.")
    reason = models.TextField(max_length=2000)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="moderation_actions_taken")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="When a suspension ends.")
    appeal_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.rule}) #{self.pk}"


class Strike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strikes")
    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="strike")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="Set when the action is overturned.")


class AppealStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    UPHELD = "upheld", "Decision upheld"
    OVERTURNED = "overturned", "Decision overturned"


APPEAL_TRANSITIONS = TransitionTable("appeal", {
    AppealStatus.PENDING: {AppealStatus.UPHELD, AppealStatus.OVERTURNED},
    AppealStatus.UPHELD: set(),
    AppealStatus.OVERTURNED: set(),
})


class Appeal(models.Model):
    action = models.OneToOneField(ModerationAction, on_delete=models.CASCADE, related_name="appeal")
    appellant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals")
    statement = models.TextField(max_length=4000)
    status = models.CharField(max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="appeals_decided")
    decision_note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [choices_constraint("status", AppealStatus, "moderation_appeal_status_valid")]


class AccountStanding(models.Model):
    """What moderation currently holds against an account (read by products through registered hooks)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standing")
    suspended_until = models.DateTimeField(null=True, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    restricted = models.BooleanField(default=False, help_text="Hidden from discovery.")
    reverification_required = models.BooleanField(default=False)
    payouts_frozen = models.BooleanField(default=False)
    payouts_frozen_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"standing of user {self.user_id}"


class ScreeningAction(models.TextChoices):
    HOLD = "hold", "Hold for review"
    REFUSE = "refuse", "Refuse"


class ScreeningRule(models.Model):
    """A term (case-insensitive, whole words) that holds or refuses text; editable in the admin."""

    term = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(default=1)
    action = models.CharField(max_length=8, choices=ScreeningAction.choices, default=ScreeningAction.HOLD)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "category"], name="moderation_rule_unique_term")]

    def __str__(self) -> str:
        return f"{self.action} {self.category}: {self.term}"


class ModeratedAccount(User):
    """Accounts as Trust & Safety sees them in the admin (find a creator or fan, act on the account)."""

    class Meta:
        proxy = True
        verbose_name = "account (Trust & Safety)"
        verbose_name_plural = "accounts (Trust & Safety)"
