{#- How far behind the lake is, per event type: the newest event, how many landed in the last hour, and the
    seconds between the newest event and this refresh. Reads only the newest partitions. -#}
select
  event_type,
  max(occurred_at) as newest_at,
  count(case when occurred_at >= current_timestamp - interval '1' hour then 1 end) as events_last_hour,
  cast({{ epoch_seconds('current_timestamp') }} - {{ epoch_seconds('max(occurred_at)') }} as bigint) as seconds_behind,
  current_timestamp as refreshed_at
from {{ ref('bronze_events') }}
where dt >= current_date - interval '{{ var("nrt_days") }}' day
group by 1
