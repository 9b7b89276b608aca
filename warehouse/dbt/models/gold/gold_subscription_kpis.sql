{#- Per day and currency: active subscriptions, MRR (each active subscription's billed period price
    after bundle discounts, per month; events before schema 1-0-1 fall back to the list price), new and
    churned subscriptions, churn rate (churned / active at the start of the day), and ARPPU over the trailing
    30 days (all revenue / paying fans). -#}
with starts as (
  select subscription_id, min(occurred_at) as started_at,
         max(currency) as currency,
         max(coalesce(period_price_minor, list_price_minor * months) * 1.0 / nullif(months, 0)) as monthly_minor
  from {{ ref('fct_subscription_events') }}
  where change = 'subscribed'
  group by 1
),
ends as (
  select subscription_id, min(occurred_at) as ended_at
  from {{ ref('fct_subscription_events') }}
  where change = 'expired'
  group by 1
),
subscriptions as (
  select starts.*, ends.ended_at,
         cast(starts.started_at as date) as start_day,
         cast(ends.ended_at as date) as end_day
  from starts left join ends using (subscription_id)
),
bounds as (
  select min(dt) as first_day, max(dt) as last_day from (
    select dt from {{ ref('fct_subscription_events') }} union all select dt from {{ ref('fct_purchases') }}
  ) as seen
),
days as (
  {{ date_spine("(select first_day from bounds)", "(select last_day from bounds)") }}
),
currencies as (select distinct currency from subscriptions),
daily as (
  select days.day as dt, currencies.currency,
    count(case when s.start_day <= days.day and (s.end_day is null or s.end_day > days.day) then 1 end) as active,
    sum(case when s.start_day <= days.day and (s.end_day is null or s.end_day > days.day) then s.monthly_minor else 0 end) as mrr_minor,
    count(case when s.start_day = days.day then 1 end) as new_subscriptions,
    count(case when s.end_day = days.day then 1 end) as churned,
    count(case when s.start_day < days.day and (s.end_day is null or s.end_day >= days.day) then 1 end) as active_at_start
  from days
  cross join currencies
  left join subscriptions as s on s.currency = currencies.currency
  group by 1, 2
),
revenue as (
  select days.day as dt, purchases.currency,
         sum(purchases.gross_minor - purchases.tax_minor) as revenue_minor,
         count(distinct purchases.fan_id) as paying_fans
  from days
  join {{ ref('fct_purchases') }} as purchases
    on purchases.dt between days.day - interval '29' day and days.day
  group by 1, 2
)
select
  daily.dt, daily.currency, daily.active, cast(round(daily.mrr_minor) as bigint) as mrr_minor,
  daily.new_subscriptions, daily.churned,
  case when daily.active_at_start > 0 then round(daily.churned * 1.0 / daily.active_at_start, 4) else 0 end as churn_rate,
  case when coalesce(revenue.paying_fans, 0) > 0
       then cast(round(revenue.revenue_minor * 1.0 / revenue.paying_fans) as bigint) else 0 end as arppu_30d_minor
from daily
left join revenue using (dt, currency)
