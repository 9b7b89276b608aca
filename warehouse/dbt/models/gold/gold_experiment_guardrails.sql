{#- Guardrails per experiment and variant: refund and chargeback rates of the exposed persons' purchases, and
    the server-error rate and p95 latency of their requests after exposure. -#}
with subjects as (
  select experiment, variant, count(*) as exposed, sum(post_purchases) as purchases,
         sum(post_revenue_minor) as revenue_minor, sum(post_refunded_minor) as refunded_minor,
         sum(post_disputes) as disputes
  from {{ ref('gold_experiment_subjects') }}
  group by 1, 2
),
requests as (
  select exposure.experiment, exposure.variant,
         count(*) as requests,
         count(case when {{ json_bigint('events.payload', 'status') }} >= 500 then 1 end) as server_errors,
         {{ p95(json_bigint('events.payload', 'latency_ms')) }} as latency_p95_ms
  from {{ ref('dim_exposure') }} as exposure
  join {{ ref('bronze_events_visible') }} as events
    on events.actor_id = exposure.subject_id and events.event_type = 'http.request'
   and events.occurred_at >= exposure.first_exposed_at
  group by 1, 2
)
select
  subjects.experiment, subjects.variant, subjects.exposed, subjects.purchases,
  case when subjects.revenue_minor > 0 then round(subjects.refunded_minor * 1.0 / subjects.revenue_minor, 4)
       else 0 end as refund_rate,
  case when subjects.purchases > 0 then round(subjects.disputes * 1.0 / subjects.purchases, 4) else 0 end
    as chargeback_rate,
  coalesce(requests.requests, 0) as requests,
  case when coalesce(requests.requests, 0) > 0 then round(requests.server_errors * 1.0 / requests.requests, 4)
       else 0 end as server_error_rate,
  requests.latency_p95_ms
from subjects
left join requests using (experiment, variant)
