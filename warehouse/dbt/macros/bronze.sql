{#- Where Bronze comes from. Locally DuckDB reads the gzip JSON lines under var/lake itself; on Athena the Glue
    table over the Bronze bucket (all strings, as the JSON SerDe lands them) is the source, cast to the same
    types so every model downstream reads one shape. -#}
{% macro bronze_events_select() -%}{{ return(adapter.dispatch('bronze_events_select')()) }}{%- endmacro %}

{% macro default__bronze_events_select() -%}
select
  event_id, event_type, schema_version,
  {#- Iceberg tables on Athena hold timestamp(6) only (no time zone): occurred_at is UTC by the envelope schema. #}
  cast(from_iso8601_timestamp(occurred_at) as timestamp(6)) as occurred_at,
  actor_id, actor_role, environment, source_component, payload,
  cast(dt as date) as dt, cast(hour as integer) as hour
from {{ source('lake', 'events') }}
{%- endmacro %}

{% macro duckdb__bronze_events_select() -%}
  {%- set columns = "event_id, event_type, schema_version, occurred_at, actor_id, actor_role, environment, source_component, payload, dt, hour" -%}
  {%- set pattern = var('lake_root') ~ '/*/*/*/*.jsonl.gz' -%}
  {%- set files = 0 -%}
  {%- if execute -%}
    {%- set files = run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] -%}
  {%- endif -%}
  {%- if files > 0 %}
select {{ columns }}
from read_json(
  '{{ pattern }}',
  format = 'newline_delimited',
  hive_partitioning = true,
  hive_types = {'dt': 'DATE', 'hour': 'INTEGER'},
  columns = {
    'event_id': 'VARCHAR', 'event_type': 'VARCHAR', 'schema_version': 'VARCHAR',
    'occurred_at': 'TIMESTAMPTZ', 'actor_id': 'VARCHAR', 'actor_role': 'VARCHAR',
    'environment': 'VARCHAR', 'source_component': 'VARCHAR', 'payload': 'JSON'
  }
)
  {%- else %}
{#- An empty lake is a valid lake: the same columns, no rows. #}
select
  cast(null as varchar) as event_id, cast(null as varchar) as event_type, cast(null as varchar) as schema_version,
  cast(null as timestamptz) as occurred_at, cast(null as varchar) as actor_id, cast(null as varchar) as actor_role,
  cast(null as varchar) as environment, cast(null as varchar) as source_component, cast(null as json) as payload,
  cast(null as date) as dt, cast(null as integer) as hour
where false
  {%- endif %}
{%- endmacro %}
