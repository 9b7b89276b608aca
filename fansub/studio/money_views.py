"""The creator's money pages beyond the overview: a monthly statement as a page and as a PDF."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from common.errors import NotFoundError
from fansub.accounts.models import Role
from fansub.purchases.services import billing


def _creator_only(request: HttpRequest) -> None:
    if request.user.role != Role.CREATOR:
        raise Http404("Creators only")


@login_required
def statement_page(request: HttpRequest, statement_id: int) -> HttpResponse:
    _creator_only(request)
    try:
        view = billing.statement_view(request.user, statement_id)
    except NotFoundError:
        raise Http404("No such statement") from None
    return render(request, "studio/statement.html", {"view": view, "s": view.statement, "lines": view.lines})


@login_required
def statement_pdf(request: HttpRequest, statement_id: int) -> HttpResponse:
    _creator_only(request)
    try:
        name, data = billing.statement_pdf(request.user, statement_id)
    except NotFoundError:
        raise Http404("No such statement") from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
