from governance import registry
from warehouse.models import QueryScan

registry.declare_not_personal(QueryScan, "query_name names a dashboard query, not a person")
