{{ config(unique_key='event_id', post_hook="{{ forget_tombstoned(['person_id']) }}") }}
{#- Sign-ups (account.signed_up): one row per new account, keyed by the person's pseudonymous id, with the
    role they signed up as and the country they gave (no other attribute of the person). -#}
select
  event_id,
  occurred_at,
  dt,
  actor_id as person_id,
  {{ json_text('payload', 'role') }} as role,
  coalesce({{ json_text('payload', 'country') }}, 'unknown') as country
from {{ ref('bronze_events') }}
where event_type = 'account.signed_up'
  and actor_id is not null
  and {{ in_window('dt') }}
  and {{ not_tombstoned('actor_id', 'payload') }}
