{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['fan_id']) }}") }}
{#- Subscriptions and their state changes: one row per subscription event. The fan is the event's actor. -#}
select
  event_id,
  occurred_at,
  dt,
  substr(event_type, length('subscription.') + 1) as change,
  {{ json_bigint('payload', 'subscription_id') }} as subscription_id,
  {{ json_bigint('payload', 'tier_id') }} as tier_id,
  actor_id as fan_id,
  {{ json_bigint('payload', 'price_minor') }} as list_price_minor,
  {{ json_bigint('payload', 'period_price_minor') }} as period_price_minor,
  {{ json_bigint('payload', 'months') }} as months,
  {{ json_text('payload', 'currency') }} as currency,
  {{ json_bool('payload', 'promoted') }} as promoted,
  {{ json_text('payload', 'reason') }} as reason
from {{ ref('bronze_events') }}
where event_type like 'subscription.%'
  and event_type not in ('subscription.tier_created', 'subscription.tier_archived')
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
