{#- The moderation queue per category: reports (new cases, not merged filings) with no action yet, and the age
    of the oldest. -#}
with filed as (
  select case_id, category, min(occurred_at) as filed_at
  from {{ ref('fct_moderation_actions') }}
  where event_type = 'moderation.report_filed' and not coalesce(merged, false)
  group by 1, 2
),
acted as (
  select distinct case_id from {{ ref('fct_moderation_actions') }} where event_type = 'moderation.action_taken'
)
select
  filed.category,
  count(*) as open_reports,
  min(filed.filed_at) as oldest_filed_at,
  cast({{ epoch_seconds('current_timestamp') }} - {{ epoch_seconds('min(filed.filed_at)') }} as bigint) / 3600
    as oldest_age_hours
from filed
left join acted on acted.case_id = filed.case_id
where acted.case_id is null
group by 1
