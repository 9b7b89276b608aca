{#- One row per exposed person per experiment: their variant, revenue in the window after first exposure (the
    metric) and in the same length of time before it (the pre-period covariate CUPED uses), refunds, disputes. -#}
{%- set window = var('experiment_window_days') -%}
with exposure as (
  select experiment, subject_id, variant, first_exposed_at from {{ ref('dim_exposure') }}
),
purchases as (
  select fan_id, occurred_at, payment_id, gross_minor - tax_minor as revenue_minor
  from {{ ref('fct_purchases') }}
  where currency = '{{ var("experiment_currency") }}'
),
refunds as (
  select payment_id, sum(amount_minor) as refunded_minor from {{ ref('fct_refunds') }} group by 1
),
disputes as (
  select distinct payment_id from {{ ref('fct_disputes') }} where stage = 'opened'
)
select
  exposure.experiment,
  exposure.subject_id,
  exposure.variant,
  exposure.first_exposed_at,
  coalesce(sum(case when purchases.occurred_at >= exposure.first_exposed_at
                    then purchases.revenue_minor end), 0) as post_revenue_minor,
  coalesce(sum(case when purchases.occurred_at < exposure.first_exposed_at
                    then purchases.revenue_minor end), 0) as pre_revenue_minor,
  count(case when purchases.occurred_at >= exposure.first_exposed_at then 1 end) as post_purchases,
  coalesce(sum(case when purchases.occurred_at >= exposure.first_exposed_at
                    then refunds.refunded_minor end), 0) as post_refunded_minor,
  count(case when purchases.occurred_at >= exposure.first_exposed_at and disputes.payment_id is not null
             then 1 end) as post_disputes
from exposure
left join purchases
  on purchases.fan_id = exposure.subject_id
 and purchases.occurred_at >= exposure.first_exposed_at - interval '{{ window }}' day
 and purchases.occurred_at < exposure.first_exposed_at + interval '{{ window }}' day
left join refunds on refunds.payment_id = purchases.payment_id
left join disputes on disputes.payment_id = purchases.payment_id
group by 1, 2, 3, 4
