{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['actor_id', 'subject_id']) }}") }}
{#- Trust & Safety and copyright events, one row per event: reports filed, actions taken, appeals, text
    screening, hash matches, DMCA notices, counter-notices, restorations and suits. -#}
select
  event_id,
  occurred_at,
  dt,
  event_type,
  actor_id,
  {{ json_text('payload', 'subject_id') }} as subject_id,
  coalesce({{ json_text('payload', 'report_id') }}, {{ json_text('payload', 'notice_id') }},
           {{ json_text('payload', 'counter_notice_id') }}, {{ json_text('payload', 'match_id') }}) as case_id,
  {{ json_text('payload', 'category') }} as category,
  coalesce({{ json_text('payload', 'kind') }}, {{ json_text('payload', 'list_kind') }}) as kind,
  {{ json_text('payload', 'target_kind') }} as target_kind,
  coalesce({{ json_text('payload', 'outcome') }}, {{ json_text('payload', 'source') }}) as outcome,
  {{ json_bool('payload', 'merged') }} as merged,
  {{ json_text('payload', 'restore_by') }} as restore_by
from {{ ref('bronze_events') }}
where (event_type like 'moderation.%' or event_type like 'dmca.%')
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
