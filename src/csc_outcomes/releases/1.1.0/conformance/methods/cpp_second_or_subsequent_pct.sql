-- cpp_second_or_subsequent_pct: of the child protection plans starting in the year (1 April to
-- 31 March), each counted, those for a child who had been the subject of a plan before: the
-- plan records a previous plan (NumberOfPreviousCPP of 1 or more), or the records hold an
-- earlier plan of the same child.
-- Unit: a plan, taken once per child and start date (records of several census years may hold
-- the same plan).
WITH p AS (
    SELECT period_start, period_end FROM params
),
plans AS (
    SELECT LAchildID, CPPstartDate, MAX(NumberOfPreviousCPP) AS previous_plans
    FROM cin_childprotectionplans
    WHERE CPPstartDate IS NOT NULL
    GROUP BY LAchildID, CPPstartDate
),
sequenced AS (
    SELECT LAchildID, CPPstartDate, previous_plans,
           LAG(CPPstartDate) OVER (PARTITION BY LAchildID ORDER BY CPPstartDate) AS earlier
    FROM plans
)
SELECT s.LAchildID AS unit_id,
       CASE WHEN s.previous_plans >= 1 OR s.earlier IS NOT NULL THEN CAST(1 AS DOUBLE)
            ELSE CAST(0 AS DOUBLE) END AS numerator,
       CAST(1 AS DOUBLE) AS denominator,
       CAST(NULL AS VARCHAR) AS exclusion
FROM sequenced AS s CROSS JOIN p
WHERE s.CPPstartDate BETWEEN p.period_start AND p.period_end
