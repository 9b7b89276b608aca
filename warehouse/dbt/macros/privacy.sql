{# Tombstoned persons (a DSAR erasure published their pseudonymous id) leave every model: any row whose actor
   or payload carries one of their ids is excluded. Matching the payload text catches every id field
   (fan_id, creator_id, subject_id, ...) without a list that could fall behind the schemas. #}
{% macro not_tombstoned(actor_column, payload_column) -%}
  not exists (
    select 1 from {{ ref('silver_tombstones') }} as tomb
    where tomb.subject_id = {{ actor_column }} or {{ text_contains(payload_column, 'tomb.subject_id') }}
  )
{%- endmacro %}

{# Silver facts built before an erasure lose that person's rows on the next run. #}
{% macro forget_tombstoned(person_columns) -%}
  delete from {{ this }} where
    {% for column in person_columns %}{{ column }} in (select subject_id from {{ ref('silver_tombstones') }}){% if not loop.last %} or {% endif %}{% endfor %}
{%- endmacro %}
