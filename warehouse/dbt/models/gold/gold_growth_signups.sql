{#- Growth: sign-ups per day by role and country, and activation — the share of those persons who did the
    thing the product is for within `activation_days` of signing up: a fan's first purchase, a creator's first
    published post. A cohort younger than the window is still filling (activated can still grow). -#}
{%- set days = var('activation_days') -%}
with signups as (
  select person_id, role, country, dt, occurred_at from {{ ref('fct_signups') }}
),
activations as (
  select fan_id as person_id, 'fan' as role, min(occurred_at) as first_at
  from {{ ref('fct_purchases') }}
  group by 1
  union all
  select actor_id as person_id, 'creator' as role, min(occurred_at) as first_at
  from {{ ref('bronze_events_visible') }}
  where event_type = 'post.published' and actor_id is not null
  group by 1
)
select
  signups.dt,
  signups.role,
  signups.country,
  count(*) as signups,
  count(case when activations.first_at >= signups.occurred_at
              and activations.first_at < signups.occurred_at + interval '{{ days }}' day then 1 end) as activated,
  round(count(case when activations.first_at >= signups.occurred_at
                    and activations.first_at < signups.occurred_at + interval '{{ days }}' day then 1 end) * 1.0
        / count(*), 4) as activation_rate
from signups
left join activations
  on activations.person_id = signups.person_id and activations.role = signups.role
group by 1, 2, 3
