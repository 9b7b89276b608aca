{#- Open data-subject requests: received when first seen, due one month later (plus any extension), so the
    Privacy desk's backlog and what is overdue show on the Trust dashboard. -#}
with history as (
  select
    {{ json_text('payload', 'request_id') }} as request_id,
    {{ json_text('payload', 'kind') }} as kind,
    {{ json_text('payload', 'to_status') }} as to_status,
    occurred_at,
    row_number() over (partition by {{ json_text('payload', 'request_id') }} order by occurred_at desc) as position
  from {{ ref('bronze_events_visible') }}
  where event_type = 'dsar.transitioned'
),
received as (
  select request_id, min(occurred_at) as received_at from history group by 1
),
extended as (
  select {{ json_text('payload', 'request_id') }} as request_id, sum({{ json_bigint('payload', 'months') }}) as months
  from {{ ref('bronze_events_visible') }}
  where event_type = 'dsar.extended'
  group by 1
),
open_requests as (
  select history.request_id, history.kind, history.to_status as status, received.received_at,
         {{ add_months('received.received_at', '1 + coalesce(extended.months, 0)') }} as due_at
  from history
  join received using (request_id)
  left join extended using (request_id)
  where history.position = 1 and history.to_status in ('received', 'in_progress', 'partially_completed')
)
select kind, count(*) as open_requests,
       count(case when due_at < current_timestamp then 1 end) as overdue,
       count(case when due_at >= current_timestamp and due_at < current_timestamp + interval '7' day then 1 end)
         as due_within_7_days,
       min(due_at) as next_due_at
from open_requests
group by 1
