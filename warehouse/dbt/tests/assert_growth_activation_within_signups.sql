{#- Activation is a share of the day's sign-ups: never more persons than signed up, a rate within [0, 1], and
    every sign-up of Silver counted once in Gold. Rows returned fail the test. -#}
select dt, role, country, signups, activated, activation_rate
from {{ ref('gold_growth_signups') }}
where activated > signups or activation_rate < 0 or activation_rate > 1 or signups < 1
union all
select null, null, null, gold.total, silver.total, null
from (select coalesce(sum(signups), 0) as total from {{ ref('gold_growth_signups') }}) as gold
cross join (select count(*) as total from {{ ref('fct_signups') }}) as silver
where gold.total <> silver.total
