{#- Webhook deliveries the site refused or failed in the last hour, per route and status (from sampled
    request events; the refusal counters in /metrics have the exact numbers). -#}
select
  {{ json_text('payload', 'route') }} as route,
  cast({{ json_bigint('payload', 'status') }} as integer) as status,
  count(*) as requests,
  max(occurred_at) as newest_at,
  current_timestamp as refreshed_at
from {{ ref('bronze_events') }}
where event_type = 'http.request'
  and dt >= current_date - interval '1' day
  and occurred_at >= current_timestamp - interval '1' hour
  and {{ json_text('payload', 'route') }} like '%webhook%'
  and {{ json_bigint('payload', 'status') }} >= 400
group by 1, 2
