{# The few places where DuckDB (local) and Athena/Trino (production) spell things differently. #}

{% macro json_text(column, key) -%}{{ return(adapter.dispatch('json_text')(column, key)) }}{%- endmacro %}
{% macro default__json_text(column, key) -%}json_extract_scalar({{ column }}, '$.{{ key }}'){%- endmacro %}
{% macro duckdb__json_text(column, key) -%}json_extract_string({{ column }}, '$.{{ key }}'){%- endmacro %}

{% macro json_bigint(column, key) -%}cast({{ json_text(column, key) }} as bigint){%- endmacro %}
{% macro json_bool(column, key) -%}cast({{ json_text(column, key) }} as boolean){%- endmacro %}

{% macro text_contains(haystack, needle) -%}{{ return(adapter.dispatch('text_contains')(haystack, needle)) }}{%- endmacro %}
{% macro default__text_contains(haystack, needle) -%}strpos(cast({{ haystack }} as varchar), {{ needle }}) > 0{%- endmacro %}
{% macro duckdb__text_contains(haystack, needle) -%}contains(cast({{ haystack }} as varchar), {{ needle }}){%- endmacro %}

{# Whole days between two dates. #}
{% macro days_between(start, finish) -%}{{ return(adapter.dispatch('days_between')(start, finish)) }}{%- endmacro %}
{% macro default__days_between(start, finish) -%}date_diff('day', {{ start }}, {{ finish }}){%- endmacro %}
{% macro duckdb__days_between(start, finish) -%}date_diff('day', {{ start }}, {{ finish }}){%- endmacro %}

{# One row per day from start to finish inclusive, column "day". #}
{% macro date_spine(start, finish) -%}{{ return(adapter.dispatch('date_spine')(start, finish)) }}{%- endmacro %}
{% macro default__date_spine(start, finish) -%}
  select day from unnest(sequence(cast({{ start }} as date), cast({{ finish }} as date), interval '1' day)) as t(day)
{%- endmacro %}
{% macro duckdb__date_spine(start, finish) -%}
  select cast(generate_series as date) as day
  from generate_series(cast({{ start }} as date), cast({{ finish }} as date), interval 1 day)
{%- endmacro %}

{# The incremental window of a Silver fact: the partitions a run (or a backfill) rebuilds. #}
{% macro in_window(dt_column) -%}
  {{ dt_column }} between cast('{{ var("start_date") }}' as date) and cast('{{ var("end_date") }}' as date)
{%- endmacro %}

{% macro epoch_seconds(timestamp) -%}{{ return(adapter.dispatch('epoch_seconds')(timestamp)) }}{%- endmacro %}
{% macro default__epoch_seconds(timestamp) -%}to_unixtime({{ timestamp }}){%- endmacro %}
{% macro duckdb__epoch_seconds(timestamp) -%}epoch({{ timestamp }}){%- endmacro %}

{% macro p95(expression) -%}{{ return(adapter.dispatch('p95')(expression)) }}{%- endmacro %}
{% macro default__p95(expression) -%}approx_percentile({{ expression }}, 0.95){%- endmacro %}
{% macro duckdb__p95(expression) -%}approx_quantile({{ expression }}, 0.95){%- endmacro %}

{% macro add_months(timestamp, months) -%}{{ return(adapter.dispatch('add_months')(timestamp, months)) }}{%- endmacro %}
{% macro default__add_months(timestamp, months) -%}date_add('month', {{ months }}, {{ timestamp }}){%- endmacro %}
{% macro duckdb__add_months(timestamp, months) -%}({{ timestamp }} + to_months(cast({{ months }} as integer))){%- endmacro %}
