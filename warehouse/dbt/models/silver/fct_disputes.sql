{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['fan_id', 'creator_id']) }}") }}
select
  event_id,
  occurred_at,
  dt,
  case event_type when 'payment.dispute_opened' then 'opened' else 'closed' end as stage,
  {{ json_text('payload', 'payment_id') }} as payment_id,
  {{ json_text('payload', 'dispute_id') }} as dispute_id,
  {{ json_text('payload', 'fan_id') }} as fan_id,
  {{ json_text('payload', 'creator_id') }} as creator_id,
  {{ json_bigint('payload', 'amount_minor') }} as amount_minor,
  {{ json_text('payload', 'currency') }} as currency,
  {{ json_text('payload', 'reason_code') }} as reason_code,
  {{ json_text('payload', 'outcome') }} as outcome
from {{ ref('bronze_events') }}
where event_type in ('payment.dispute_opened', 'payment.dispute_closed')
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
