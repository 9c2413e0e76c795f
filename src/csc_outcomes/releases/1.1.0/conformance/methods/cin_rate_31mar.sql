-- cin_rate_31mar (numerator): children in need on 31 March, i.e. with an episode of need (a CIN
-- census CINdetails record) open that day: referred on or before 31 March and not closed by it
-- (a case closed ON 31 March is no longer open). The denominator is the ONS population
-- (supplied by compute), so it is NULL here.
-- Unit: a child with an episode of need in the year (1 April to 31 March).
-- Left out: referrals closed with no further action (ReferralNFA true or 1).
WITH cin_details AS (
    -- one row per episode of need (child, referral date): where several years' censuses hold the
    -- same referral, the copy that records its closure is the later one and is taken
    SELECT LAchildID, CINreferralDate, CINclosureDate, ReferralNFA
    FROM (
        SELECT x.LAchildID, x.CINreferralDate, x.CINclosureDate, x.ReferralNFA,
               ROW_NUMBER() OVER (PARTITION BY x.LAchildID, x.CINreferralDate
                                  ORDER BY CASE WHEN x.CINclosureDate IS NULL THEN 1 ELSE 0 END,
                                           x.CINclosureDate DESC, x.ReferralNFA) AS version
        FROM cin_cindetails AS x
    ) AS v
    WHERE version = 1
),
p AS (
    SELECT period_start, period_end FROM params
),
cin AS (
    SELECT d.LAchildID, d.CINreferralDate, d.CINclosureDate, d.ReferralNFA
    FROM cin_details AS d CROSS JOIN p
    WHERE d.CINreferralDate IS NULL
       OR (d.CINreferralDate <= p.period_end AND (d.CINclosureDate IS NULL OR d.CINclosureDate >= p.period_start))
),
flags AS (
    SELECT cin.LAchildID,
           MAX(CASE WHEN cin.CINreferralDate IS NULL OR cin.CINclosureDate < cin.CINreferralDate THEN 1 ELSE 0 END) AS invalid,
           MAX(CASE WHEN cin.CINclosureDate IS NULL OR cin.CINclosureDate > p.period_end THEN
                    CASE WHEN cin.ReferralNFA IN ('TRUE', '1') THEN 1 ELSE 2 END ELSE 0 END) AS open_31mar
    FROM cin CROSS JOIN p
    GROUP BY cin.LAchildID
),
units AS (
    SELECT LAchildID,
           CASE WHEN invalid = 1 THEN 'invalid referral dates (missing, or closure before referral)'
                WHEN open_31mar = 1 THEN 'referral closed with no further action'
                WHEN open_31mar = 0 THEN 'no episode of need open on 31 March'
           END AS exclusion
    FROM flags
)
SELECT LAchildID AS unit_id,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS numerator,
       CAST(NULL AS DOUBLE) AS denominator,
       exclusion
FROM units
