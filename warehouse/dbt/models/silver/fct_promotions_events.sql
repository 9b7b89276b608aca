{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['fan_id']) }}") }}
{#- The plan's fact_promotions_events: promotion and trial-link claims, and the checkouts they led to. -#}
select
  event_id,
  occurred_at,
  dt,
  case event_type
    when 'subscription.promotion_claimed' then 'promotion_claimed'
    when 'subscription.trial_claimed' then 'trial_claimed'
    else substr(event_type, strpos(event_type, '.') + 1)
  end as action,
  {{ json_bigint('payload', 'promotion_id') }} as promotion_id,
  {{ json_bigint('payload', 'subscription_id') }} as subscription_id,
  {{ json_bigint('payload', 'tier_id') }} as tier_id,
  {{ json_bigint('payload', 'days') }} as trial_days,
  {{ json_bool('payload', 'continues') }} as continues_paid,
  actor_id as fan_id
from {{ ref('bronze_events') }}
where event_type in ('subscription.promotion_claimed', 'subscription.trial_claimed')
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
