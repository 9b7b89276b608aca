"""Web forms of the payments pages."""

from decimal import Decimal

from django import forms

from payments.models.refund_requests import RefundRequestReason


class RefundRequestForm(forms.Form):
    reason = forms.ChoiceField(choices=RefundRequestReason.choices, widget=forms.RadioSelect)
    message = forms.CharField(max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              label="Anything the creator should know (optional)")
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2, required=False,
                                label="Amount (leave empty for the whole purchase)")
