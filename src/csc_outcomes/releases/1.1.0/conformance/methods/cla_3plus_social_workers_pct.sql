-- cla_3plus_social_workers_pct: of the children looked after on 31 March (not under short
-- breaks), those who had three or more different social workers (distinct SW_ID) assigned at
-- some time in the year (1 April to 31 March); returning to an earlier worker is not a new one.
-- Worker episodes count whether or not the child was looked after then, as the return asks.
-- Unit: a child with an SSDA903 episode in the year.
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
workers AS (
    SELECT s.CHILD, COUNT(DISTINCT s.SW_ID) AS n
    FROM ssda903_swepisodes AS s CROSS JOIN p
    WHERE s.SW_DECOM <= p.period_end AND (s.SW_DEC IS NULL OR s.SW_DEC >= p.period_start)
    GROUP BY s.CHILD
),
units AS (
    SELECT c.CHILD, w.n,
           CASE WHEN i.CHILD IS NOT NULL THEN 'invalid episode dates (DECOM missing or after DEC)'
                WHEN o.CHILD IS NULL THEN 'not looked after on 31 March'
                WHEN o.LS IN ('V3', 'V4') THEN 'short breaks only (LS V3/V4)'
           END AS exclusion
    FROM (SELECT DISTINCT CHILD FROM ep) AS c
    LEFT JOIN invalid AS i ON i.CHILD = c.CHILD
    LEFT JOIN open_31mar AS o ON o.CHILD = c.CHILD AND o.rn = 1
    LEFT JOIN workers AS w ON w.CHILD = c.CHILD
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NOT NULL THEN NULL
            WHEN n >= 3 THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS numerator,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS denominator,
       exclusion
FROM units
