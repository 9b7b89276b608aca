{#- Source freshness as a test that runs in every build: the newest event is at most `hours` old, measured
    against the run's clock. Skipped (passes) when the lake is empty, so a new install builds clean. -#}
{% test fresh_within_hours(model, column_name, hours) %}
select max({{ column_name }}) as newest
from {{ model }}
having count(*) > 0 and max({{ column_name }}) < current_timestamp - interval '{{ hours }}' hour
{% endtest %}
