{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['fan_id', 'creator_id']) }}") }}
{#- One row per successful charge, by product. Amounts are minor units of `currency`; net is the creator's
    share before payouts (gross less tax and the platform fee). -#}
select
  event_id,
  occurred_at,
  dt,
  {{ json_text('payload', 'payment_id') }} as payment_id,
  {{ json_text('payload', 'fan_id') }} as fan_id,
  {{ json_text('payload', 'creator_id') }} as creator_id,
  {{ json_text('payload', 'purpose') }} as purpose,
  case {{ json_text('payload', 'purpose') }}
    when 'subscription' then 'subscription'
    when 'subscription_renewal' then 'subscription'
    when 'subscription_upgrade' then 'subscription'
    when 'tip' then 'tip'
    when 'ppv_post' then 'ppv'
    when 'ppv_message' then 'paid_message'
    when 'custom_request' then 'request'
    else 'other'
  end as product,
  {{ json_bigint('payload', 'amount_minor') }} as gross_minor,
  {{ json_bigint('payload', 'tax_minor') }} as tax_minor,
  {{ json_bigint('payload', 'platform_fee_minor') }} as fee_minor,
  {{ json_bigint('payload', 'amount_minor') }} - {{ json_bigint('payload', 'tax_minor') }}
    - {{ json_bigint('payload', 'platform_fee_minor') }} as net_minor,
  {{ json_text('payload', 'currency') }} as currency,
  coalesce({{ json_text('payload', 'tax_country') }}, 'unknown') as country,
  {{ json_text('payload', 'provider') }} as provider
from {{ ref('bronze_events') }}
where event_type = 'payment.charge_succeeded'
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
