{{ config(materialized='table') }}
{#- Persons erased by a DSAR: their pseudonymous id, published by the erasure before the key that made it was
    destroyed. Every other model excludes them. Holds no personal data: the id links to nothing any more. -#}
select
  {{ json_text('payload', 'subject_id') }} as subject_id,
  min(occurred_at) as tombstoned_at
from {{ ref('bronze_events') }}
where event_type = 'privacy.subject_erased'
group by 1
