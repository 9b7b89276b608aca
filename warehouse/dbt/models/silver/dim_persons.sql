{{ config(materialized='table') }}
{#- Pseudonymous persons seen in the lake: their role and when they were first and last seen. No personal data. -#}
select
  actor_id as person_id,
  max(actor_role) as role,
  min(occurred_at) as first_seen_at,
  max(occurred_at) as last_seen_at
from {{ ref('bronze_events') }}
where actor_id is not null
  and {{ not_tombstoned('actor_id', 'payload') }}
group by 1
