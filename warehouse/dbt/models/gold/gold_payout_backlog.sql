{#- Payouts whose latest attempt failed and that no later attempt paid: the Finance backlog, per currency. -#}
with latest as (
  select payout_id, creator_id, currency, amount_minor, outcome, occurred_at,
         row_number() over (partition by payout_id order by attempt desc, occurred_at desc) as position
  from {{ ref('fct_payouts') }}
),
first_failure as (
  select payout_id, min(occurred_at) as first_failed_at from {{ ref('fct_payouts') }} where outcome = 'failed' group by 1
)
select
  latest.currency,
  count(*) as failed_payouts,
  count(distinct latest.creator_id) as creators,
  sum(latest.amount_minor) as amount_minor,
  min(first_failure.first_failed_at) as oldest_failure_at
from latest join first_failure using (payout_id)
where latest.position = 1 and latest.outcome = 'failed'
group by 1
