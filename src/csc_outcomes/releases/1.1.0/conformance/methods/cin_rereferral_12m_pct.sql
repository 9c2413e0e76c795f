-- cin_rereferral_12m_pct: of the referrals made in the year (1 April to 31 March), each counted,
-- those made within 12 months of the same child's previous referral.
-- Unit: a referral (a child's CINdetails record) dated in the year; referrals that led to no
-- further action count too. Records of several census years may hold the same referral: a
-- child's referrals are taken once per referral date.
-- Within 12 months: the previous referral is dated on or after the same day 12 calendar months
-- earlier (a previous referral exactly 12 months before counts), and may be in an earlier year.
WITH p AS (
    SELECT period_start, period_end FROM params
),
referrals AS (
    SELECT LAchildID, CINreferralDate
    FROM cin_cindetails
    WHERE CINreferralDate IS NOT NULL
    GROUP BY LAchildID, CINreferralDate
),
sequenced AS (
    SELECT LAchildID, CINreferralDate,
           LAG(CINreferralDate) OVER (PARTITION BY LAchildID ORDER BY CINreferralDate) AS previous
    FROM referrals
),
units AS (
    SELECT s.LAchildID, s.CINreferralDate, s.previous,
           CAST(s.CINreferralDate - INTERVAL '12' MONTH AS DATE) AS window_start
    FROM sequenced AS s CROSS JOIN p
    WHERE s.CINreferralDate BETWEEN p.period_start AND p.period_end
)
SELECT LAchildID AS unit_id,
       CASE WHEN previous >= window_start THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS numerator,
       CAST(1 AS DOUBLE) AS denominator,
       CAST(NULL AS VARCHAR) AS exclusion
FROM units
