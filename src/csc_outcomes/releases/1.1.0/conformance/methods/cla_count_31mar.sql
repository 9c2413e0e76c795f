-- cla_count_31mar: children looked after on 31 March, excluding short breaks.
-- Unit: a child with an SSDA903 episode in the year (1 April to 31 March).
-- Looked after on 31 March: an episode that started on or before 31 March and has no end date
-- or ends after 31 March (an episode ending ON 31 March is a child who ceased that day).
-- Short breaks: the episode open on 31 March has legal status V3 or V4.
-- Breakdowns: sex (Header SEX), age on 31 March (Header DOB), UASC status on 31 March (a UASC
-- record whose status had not ceased by 31 March).
WITH episodes AS (
    -- one row per episode (CHILD, DECOM): where several years' returns hold the same episode,
    -- the copy that records its end is the later one and is taken
    SELECT CHILD, DECOM, RNE, LS, PLACE, DEC, REC
    FROM (
        SELECT x.CHILD, x.DECOM, x.RNE, x.LS, x.PLACE, x.DEC, x.REC,
               ROW_NUMBER() OVER (PARTITION BY x.CHILD, x.DECOM
                                  ORDER BY CASE WHEN x.DEC IS NULL THEN 1 ELSE 0 END, x.DEC DESC, x.REC) AS version
        FROM ssda903_episodes AS x
    ) AS v
    WHERE version = 1
),
p AS (
    SELECT period_start, period_end FROM params
),
ep AS (
    SELECT e.CHILD, e.DECOM, e.DEC, e.LS
    FROM episodes AS e CROSS JOIN p
    WHERE e.DECOM IS NULL OR (e.DECOM <= p.period_end AND (e.DEC IS NULL OR e.DEC >= p.period_start))
),
invalid AS (
    SELECT DISTINCT CHILD FROM ep WHERE DECOM IS NULL OR DEC < DECOM
),
open_31mar AS (
    SELECT ep.CHILD, ep.LS, ROW_NUMBER() OVER (PARTITION BY ep.CHILD ORDER BY ep.DECOM DESC) AS rn
    FROM ep CROSS JOIN p
    WHERE ep.DECOM <= p.period_end AND (ep.DEC IS NULL OR ep.DEC > p.period_end)
),
header AS (
    SELECT CHILD, MAX(SEX) AS SEX, MAX(DOB) AS DOB FROM ssda903_header GROUP BY CHILD
),
uasc AS (
    -- UASC on 31 March: a UASC record, and no record (of any year's return) of the status
    -- ceasing (DUC) on or before 31 March
    SELECT u.CHILD FROM ssda903_uasc AS u CROSS JOIN p
    GROUP BY u.CHILD
    HAVING MAX(CASE WHEN u.DUC <= p.period_end THEN 1 ELSE 0 END) = 0
),
units AS (
    SELECT c.CHILD,
           CASE WHEN i.CHILD IS NOT NULL THEN 'invalid episode dates (DECOM missing or after DEC)'
                WHEN o.CHILD IS NULL THEN 'not looked after on 31 March'
                WHEN o.LS IN ('V3', 'V4') THEN 'short breaks only (LS V3/V4)'
           END AS exclusion,
           h.SEX, h.DOB, u.CHILD AS uasc_child,
           EXTRACT(YEAR FROM p.period_end) - EXTRACT(YEAR FROM h.DOB)
             - CASE WHEN EXTRACT(MONTH FROM h.DOB) * 100 + EXTRACT(DAY FROM h.DOB)
                         > EXTRACT(MONTH FROM p.period_end) * 100 + EXTRACT(DAY FROM p.period_end)
                    THEN 1 ELSE 0 END AS age
    FROM (SELECT DISTINCT CHILD FROM ep) AS c
    CROSS JOIN p
    LEFT JOIN invalid AS i ON i.CHILD = c.CHILD
    LEFT JOIN open_31mar AS o ON o.CHILD = c.CHILD AND o.rn = 1
    LEFT JOIN header AS h ON h.CHILD = c.CHILD
    LEFT JOIN uasc AS u ON u.CHILD = c.CHILD
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS numerator,
       CAST(NULL AS DOUBLE) AS denominator,
       exclusion,
       CASE WHEN SEX IN ('1', 'M') THEN 'Male' WHEN SEX IN ('2', 'F') THEN 'Female' END AS sex,
       CASE WHEN age < 1 THEN 'Under 1 year' WHEN age <= 4 THEN '1 to 4 years' WHEN age <= 9 THEN '5 to 9 years'
            WHEN age <= 15 THEN '10 to 15 years' WHEN age >= 16 THEN '16 years and over' END AS age_group,
       CASE WHEN uasc_child IS NOT NULL THEN 'UASC' ELSE 'Non-UASC' END AS uasc_status
FROM units
