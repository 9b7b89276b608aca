{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['viewer_id', 'creator_id']) }}") }}
{#- Post and feed impressions (the analogue of the plan's fact_search_impressions). -#}
select
  event_id,
  occurred_at,
  dt,
  {{ json_bigint('payload', 'post_id') }} as post_id,
  {{ json_text('payload', 'creator_id') }} as creator_id,
  actor_id as viewer_id,
  coalesce({{ json_text('payload', 'surface') }}, 'post') as surface
from {{ ref('bronze_events') }}
where event_type in ('post.viewed', 'feed.impression')
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
