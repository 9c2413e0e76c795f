-- cpp_rate_31mar (numerator): children who were the subject of a child protection plan on 31
-- March: a plan started on or before 31 March and not ended by it (a plan ending ON 31 March is
-- over). The denominator is the ONS population (supplied by compute), so it is NULL here.
-- Unit: a child with a child protection plan in the year (1 April to 31 March).
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
    SELECT period_start, period_end FROM params
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
           MAX(CASE WHEN plans.CPPendDate IS NULL OR plans.CPPendDate > p.period_end THEN 1 ELSE 0 END) AS open_31mar
    FROM plans CROSS JOIN p
    GROUP BY plans.LAchildID
),
units AS (
    SELECT LAchildID,
           CASE WHEN invalid = 1 THEN 'invalid plan dates (missing, or end before start)'
                WHEN open_31mar = 0 THEN 'no plan open on 31 March'
           END AS exclusion
    FROM flags
)
SELECT LAchildID AS unit_id,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS numerator,
       CAST(NULL AS DOUBLE) AS denominator,
       exclusion
FROM units
