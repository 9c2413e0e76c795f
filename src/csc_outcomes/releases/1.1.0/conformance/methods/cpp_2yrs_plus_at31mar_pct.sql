-- cpp_2yrs_plus_at31mar_pct: of the children who were the subject of a child protection plan on
-- 31 March, those whose plan had then lasted two years or more: 31 March minus the plan's start
-- date is at least two years (a plan that started on 31 March two years before counts).
-- Unit: a child with a child protection plan in the year (1 April to 31 March); where a child
-- has two plans open on 31 March (a recording error), the earlier start is taken.
WITH protection_plans AS (
    -- one row per plan (child, start date): where several years' censuses hold the same plan,
    -- the copy that records its end is the later one and is taken
    SELECT LAchildID, CPPstartDate, CPPendDate
    FROM (
        SELECT x.LAchildID, x.CPPstartDate, x.CPPendDate,
               ROW_NUMBER() OVER (PARTITION BY x.LAchildID, x.CPPstartDate
                                  ORDER BY CASE WHEN x.CPPendDate IS NULL THEN 1 ELSE 0 END, x.CPPendDate DESC) AS version
        FROM cin_childprotectionplans AS x
    ) AS v
    WHERE version = 1
),
p AS (
    SELECT period_start, period_end,
           CAST(period_end - INTERVAL '24' MONTH AS DATE) AS cut_24m
    FROM params
),
plans AS (
    SELECT c.LAchildID, c.CPPstartDate, c.CPPendDate
    FROM protection_plans AS c CROSS JOIN p
    WHERE c.CPPstartDate IS NULL
       OR (c.CPPstartDate <= p.period_end AND (c.CPPendDate IS NULL OR c.CPPendDate >= p.period_start))
),
flags AS (
    SELECT plans.LAchildID,
           MAX(CASE WHEN plans.CPPstartDate IS NULL OR plans.CPPendDate < plans.CPPstartDate THEN 1 ELSE 0 END) AS invalid,
           MIN(CASE WHEN plans.CPPendDate IS NULL OR plans.CPPendDate > p.period_end THEN plans.CPPstartDate END) AS open_since
    FROM plans CROSS JOIN p
    GROUP BY plans.LAchildID
),
units AS (
    SELECT f.LAchildID, f.open_since, p.cut_24m,
           CASE WHEN f.invalid = 1 THEN 'invalid plan dates (missing, or end before start)'
                WHEN f.open_since IS NULL THEN 'no plan open on 31 March'
           END AS exclusion
    FROM flags AS f CROSS JOIN p
)
SELECT LAchildID AS unit_id,
       CASE WHEN exclusion IS NOT NULL THEN NULL
            WHEN open_since <= cut_24m THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS numerator,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS denominator,
       exclusion
FROM units
