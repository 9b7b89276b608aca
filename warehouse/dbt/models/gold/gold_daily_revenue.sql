{#- Daily revenue by product, country and currency: gross, tax, platform fees, the creators' net, refunds and
    chargebacks (minor units). GMV is gross; the take rate is fees / (gross - tax). -#}
with sales as (
  select dt, product, country, currency,
         count(*) as purchases,
         count(distinct fan_id) as paying_fans,
         sum(gross_minor) as gross_minor,
         sum(tax_minor) as tax_minor,
         sum(fee_minor) as fee_minor,
         sum(net_minor) as net_minor
  from {{ ref('fct_purchases') }}
  group by 1, 2, 3, 4
),
refunds as (
  select refunds.dt, purchases.product, purchases.country, refunds.currency, sum(refunds.amount_minor) as refunded_minor
  from {{ ref('fct_refunds') }} as refunds
  join {{ ref('fct_purchases') }} as purchases on purchases.payment_id = refunds.payment_id
  group by 1, 2, 3, 4
),
chargebacks as (
  select disputes.dt, purchases.product, purchases.country, disputes.currency, sum(disputes.amount_minor) as disputed_minor
  from {{ ref('fct_disputes') }} as disputes
  join {{ ref('fct_purchases') }} as purchases on purchases.payment_id = disputes.payment_id
  where disputes.stage = 'opened'
  group by 1, 2, 3, 4
),
keys as (
  select dt, product, country, currency from sales
  union select dt, product, country, currency from refunds
  union select dt, product, country, currency from chargebacks
)
select
  keys.dt, keys.product, keys.country, keys.currency,
  coalesce(sales.purchases, 0) as purchases,
  coalesce(sales.paying_fans, 0) as paying_fans,
  coalesce(sales.gross_minor, 0) as gross_minor,
  coalesce(sales.tax_minor, 0) as tax_minor,
  coalesce(sales.fee_minor, 0) as fee_minor,
  coalesce(sales.net_minor, 0) as net_minor,
  coalesce(refunds.refunded_minor, 0) as refunded_minor,
  coalesce(chargebacks.disputed_minor, 0) as disputed_minor
from keys
left join sales using (dt, product, country, currency)
left join refunds using (dt, product, country, currency)
left join chargebacks using (dt, product, country, currency)
