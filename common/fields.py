"""Model fields whose values are encrypted before they reach the database (see common.crypto)."""

import json
from typing import Any

from django.db import models

from common import crypto


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; Python code sees plaintext. Not searchable or orderable by design."""

    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt_text(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return crypto.decrypt_text(value)


class EncryptedJSONField(models.TextField):
    """A JSON value (list/dict) encrypted at rest."""

    description = "JSON encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt_text(json.dumps(value, ensure_ascii=False))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(crypto.decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
