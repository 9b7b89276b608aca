"""Apps meet through their public interfaces only.

An app's public surface is its ``models`` (to read and to point foreign keys at), ``services`` (every write),
``selectors`` (reads) and the few modules named below; pages, API views, admin, forms and tasks are its own.
Payments is reached by the product only through ``fansub/purchases/services/billing.py`` (the one door) plus
its value types and API building blocks.
"""

from tests.architecture.import_graph import all_imports

PUBLIC_PARTS = {"models", "services", "selectors", "errors", "apps"}
# Modules an app offers beyond services and selectors, and why.
PUBLIC_EXTRAS = {
    "fansub.posts.entitlements",  # "may this person see this post, and why not", asked by media, PPV, messages
    "fansub.verification.policy",  # who may see adult content
    "fansub.verification.age_rules",  # the rules table by jurisdiction (accounts checks a declared location)
    "fansub.accounts.staff_groups",  # staff group names and the custodian check
    "fansub.accounts.forms",  # the admin's one-round login form, installed by config.urls
    "fansub.verification.admin",  # the user admin links to the producer-record admin
    "fansub.messaging.segments",  # mass-message segments, read by the studio
}
PAYMENTS_FOR_PRODUCTS = {"payments.money", "payments.money_input", "payments.errors", "payments.hooks",
                         "payments.api.fields", "payments.api.idempotency", "payments.demo"}
BILLING = "fansub.purchases.services.billing"
SHARED = ("common", "governance", "telemetry", "config")


def _app(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "fansub" and len(parts) > 1 else parts[0]


def test_product_apps_reach_each_other_only_through_public_modules():
    private = []
    for imp in all_imports():
        source, target = _app(imp.source), _app(imp.target)
        if source == target or not (source.startswith("fansub.") and target.startswith("fansub.")):
            continue
        part = imp.target[len(target) + 1:].split(".")[0]
        if part not in PUBLIC_PARTS and imp.target not in PUBLIC_EXTRAS and source != "fansub.demo":
            private.append(f"{imp.source}:{imp.line} -> {imp.target}")
    assert private == []


def test_products_reach_payments_only_through_billing():
    outside = [f"{imp.source}:{imp.line} -> {imp.target}" for imp in all_imports()
               if imp.source.startswith("fansub.") and imp.target.startswith("payments")
               and imp.target not in PAYMENTS_FOR_PRODUCTS and imp.source != BILLING]
    assert outside == []


def test_payments_and_telemetry_import_no_product_app():
    upward = [f"{imp.source} -> {imp.target}" for imp in all_imports()
              if imp.source.split(".")[0] in ("payments", "telemetry", "governance", "common")
              and imp.target.startswith("fansub")]
    assert upward == []
