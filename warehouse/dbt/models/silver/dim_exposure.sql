{{ config(materialized='table') }}
{#- First exposure of each pseudonymous person to each experiment, with the variant they saw. -#}
select
  {{ json_text('payload', 'experiment') }} as experiment,
  actor_id as subject_id,
  min({{ json_text('payload', 'variant') }}) as variant,
  min(occurred_at) as first_exposed_at,
  min(dt) as dt
from {{ ref('bronze_events') }}
where event_type = 'experiment.exposed'
  and actor_id is not null
  and {{ not_tombstoned('actor_id', 'payload') }}
group by 1, 2
