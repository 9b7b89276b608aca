{#- The DMCA clock: counter-notices whose material is neither restored nor held by a reported suit, with the
    business-day window the restoration must fall in. -#}
with counters as (
  select case_id as notice_id, min(occurred_at) as received_at, max(restore_by) as restore_by
  from {{ ref('fct_moderation_actions') }}
  where event_type = 'dmca.counter_notice_received'
  group by 1
),
closed as (
  select distinct case_id as notice_id from {{ ref('fct_moderation_actions') }}
  where event_type in ('dmca.material_restored', 'dmca.suit_reported')
)
select counters.notice_id, counters.received_at, counters.restore_by,
       {{ days_between('counters.received_at', 'current_timestamp') }} as days_waiting
from counters
left join closed on closed.notice_id = counters.notice_id
where closed.notice_id is null
