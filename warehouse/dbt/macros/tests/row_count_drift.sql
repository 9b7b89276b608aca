{#- Row-count drift: the newest day's rows must be at least `min_share` of the trailing week's daily mean
    (a silent drop in ingestion shows here before it shows on a dashboard). Days with no trailing week pass. -#}
{% test row_count_drift(model, column_name, min_share=none) %}
{%- set share = min_share if min_share is not none else var('drift_min_share') -%}
with daily as (
  select {{ column_name }} as day, count(*) as n from {{ model }} group by 1
),
newest as (select max(day) as day from daily),
last_week as (
  select avg(n) as mean_n, count(*) as days
  from daily, newest
  where daily.day < newest.day and daily.day >= newest.day - interval '7' day
)
select newest.day, daily.n, last_week.mean_n
from newest join daily on daily.day = newest.day cross join last_week
where last_week.days >= 7 and daily.n < last_week.mean_n * {{ share }}
{% endtest %}
