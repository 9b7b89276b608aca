"""Showing a service's refusal on the form that asked for it."""

from django import forms

from common.errors import DomainError


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Put each problem next to its field; what belongs to no field goes on top of the form."""
    placed = False
    if error.details.get("field") in form.fields:  # a refusal about one field is shown next to it
        form.add_error(error.details["field"], error.message)
        return
    for field, problems in error.details.items():
        if field in form.fields and isinstance(problems, list):
            for problem in problems:
                form.add_error(field, problem)
            placed = True
    if not placed:
        form.add_error(None, error.message)
