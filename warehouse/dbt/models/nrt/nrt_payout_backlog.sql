{#- Payouts whose newest attempt failed, from the newest partitions: Finance's live backlog. -#}
with attempts as (
  select
    {{ json_text('payload', 'payout_id') }} as payout_id,
    {{ json_text('payload', 'currency') }} as currency,
    {{ json_bigint('payload', 'amount_minor') }} as amount_minor,
    event_type,
    occurred_at,
    row_number() over (partition by {{ json_text('payload', 'payout_id') }} order by occurred_at desc) as position
  from {{ ref('bronze_events_visible') }}
  where event_type in ('payout.paid', 'payout.failed')
    and dt >= current_date - interval '30' day
)
select currency, count(*) as failed_payouts, sum(amount_minor) as amount_minor, min(occurred_at) as oldest_at,
       current_timestamp as refreshed_at
from attempts
where position = 1 and event_type = 'payout.failed'
group by 1
