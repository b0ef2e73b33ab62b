"""经费: funding lines (预算科目) and their append-only ledgers (下达 → 拨付 → 支出).

Totals (see ``funding.selectors``):

- allocated (下达) = allocations + adjustments (调整 changes the allocation, up or down);
- disbursed (拨付) = disbursements;
- spent (支出) = expenditures;

each including the reversing entries of its kind (a reversal has the negated amount). The rules
``disbursed ≤ allocated`` and ``spent ≤ disbursed`` are kept by ``funding.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

DEFAULT_EXECUTION_MARGIN = 20


class Source(models.TextChoices):
    LOCAL_BUDGET = "local_budget", _("Local budget")  # 本级财政
    TRANSFER = "transfer", _("Transfer from higher government")  # 上级转移支付
    SPECIAL = "special", _("Special fund")  # 专项资金
    SOCIAL = "social", _("Social capital")  # 社会资本
    OTHER = "other", _("Other")  # 其他


class FundingLine(models.Model):
    """经费 / 预算科目: one budget line of a plan for one fiscal year."""

    plan = models.ForeignKey(
        "tasks.Plan", on_delete=models.PROTECT, related_name="funding_lines", verbose_name=_("plan")
    )
    code = models.CharField(_("number"), max_length=30)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), db_index=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, db_index=True)
    budget_subject = models.CharField(_("budget subject"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    department = models.ForeignKey(
        "tasks.Department", on_delete=models.PROTECT, related_name="funding_lines", verbose_name=_("department")
    )
    tasks = models.ManyToManyField(
        "tasks.KeyTask", blank=True, related_name="funding_lines", verbose_name=_("key tasks paid for")
    )
    execution_margin = models.PositiveSmallIntegerField(
        _("execution warning margin (percentage points)"),
        default=DEFAULT_EXECUTION_MARGIN,
        help_text=_(
            "Warn when the execution rate trails the elapsed share of the fiscal year, or the progress "
            "of the key tasks paid for, by more than this."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["plan", "fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="funding_line_code_unique_in_plan"),
            models.CheckConstraint(condition=Q(execution_margin__lte=100), name="funding_line_margin_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.purpose}"

    def get_absolute_url(self) -> str:
        return reverse("funding:line_detail", args=[self.pk])


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise TypeError("The funding ledger is append-only")

    def delete(self):
        raise TypeError("The funding ledger is append-only")


class LedgerEntry(models.Model):
    """One entry of a funding line's ledger. Append-only: a mistake is corrected by a reversing
    entry (same kind, negated amount, ``reverses`` the wrong one), never by editing."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("Allocation")  # 下达
        DISBURSEMENT = "disbursement", _("Disbursement")  # 拨付
        EXPENDITURE = "expenditure", _("Expenditure")  # 支出
        ADJUSTMENT = "adjustment", _("Adjustment")  # 调整

    line = models.ForeignKey(FundingLine, on_delete=models.PROTECT, related_name="entries", verbose_name=_("funding line"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    date = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    over_limit_reason = models.TextField(
        _("reason for exceeding the limit"),
        blank=True,
        help_text=_("Only for an entry that knowingly takes disbursements above allocations or spending above disbursements."),
    )
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("reverses"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["line", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reverses"], name="ledger_entry_reversed_once"),
            models.CheckConstraint(
                condition=~Q(amount=0), name="ledger_entry_amount_not_zero"
            ),
        ]
        indexes = [models.Index(fields=["line", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.date})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The funding ledger is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The funding ledger is append-only")

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
