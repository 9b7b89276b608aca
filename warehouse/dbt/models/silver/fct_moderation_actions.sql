{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['actor_id']) }}") }}
{#- Reports, actions, appeals, DMCA notices and hash matches, one row per event (the moderation app's events). -#}
select
  event_id,
  occurred_at,
  dt,
  event_type,
  actor_id,
  {{ json_text('payload', 'report_id') }} as report_id,
  {{ json_text('payload', 'category') }} as category,
  {{ json_text('payload', 'action') }} as action
from {{ ref('bronze_events') }}
where event_type like 'moderation.%'
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
