"""Django's ModelBackend, with the signed-in user loaded on every request by a statement compiled once.

Building and compiling ``User.objects.get(pk=…)`` costs several times what running it does, and every signed-in
request runs it; a cached page is served for about the price of that lookup. The statement is the ORM's own,
compiled once per database alias, and its rows pass through the ORM's own converters, so the user object is
the one ``get()`` would return.
"""

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router


@cache
def _compiled(alias: str) -> tuple[str, list[str], Any, Any]:
    model = get_user_model()
    compiler = model._default_manager.db_manager(alias).filter(pk=0).query.get_compiler(alias)
    sql, _ = compiler.as_sql()
    fields = [column.target.attname for column, _, _ in compiler.select]
    converters = compiler.get_converters([column for column, _, _ in compiler.select])
    return sql, fields, compiler, converters


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        alias = router.db_for_read(model)
        sql, fields, compiler, converters = _compiled(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connections[alias])])
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = next(iter(compiler.apply_converters([row], converters)))
        user = model.from_db(alias, fields, row)
        return user if self.user_can_authenticate(user) else None
