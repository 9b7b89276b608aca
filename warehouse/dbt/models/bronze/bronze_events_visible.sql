{#- The Bronze exclusion view: Bronze without any event of a tombstoned (erased) person. Analysts who must read
    raw events read this view, never bronze_events. -#}
select events.*
from {{ ref('bronze_events') }} as events
where {{ not_tombstoned('events.actor_id', 'events.payload') }}
  and events.event_type <> 'privacy.subject_erased'
