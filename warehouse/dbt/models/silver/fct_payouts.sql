{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['creator_id']) }}") }}
select
  event_id,
  occurred_at,
  dt,
  case event_type when 'payout.paid' then 'paid' else 'failed' end as outcome,
  {{ json_text('payload', 'payout_id') }} as payout_id,
  {{ json_text('payload', 'creator_id') }} as creator_id,
  {{ json_bigint('payload', 'amount_minor') }} as amount_minor,
  {{ json_text('payload', 'currency') }} as currency,
  {{ json_bigint('payload', 'attempt') }} as attempt,
  {{ json_text('payload', 'failure_code') }} as failure_code
from {{ ref('bronze_events') }}
where event_type in ('payout.paid', 'payout.failed')
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
