-- cla_ceased_return_home_pct: of the children who ceased to be looked after in the year (each
-- counted once, on the last occasion), those whose care ended with a return home to parents or
-- others with parental responsibility (REC E4A, as part of the care plan, or E4B, not).
-- Unit: a child with an SSDA903 episode in the year (1 April to 31 March).
-- Ceasing: an episode ending in the year with a reason other than X1, not under a short-break
-- legal status (V3 or V4). The last occasion is the latest such end date in the year.
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
    SELECT e.CHILD, e.DECOM, e.DEC, e.LS, e.REC
    FROM episodes AS e CROSS JOIN p
    WHERE e.DECOM IS NULL OR (e.DECOM <= p.period_end AND (e.DEC IS NULL OR e.DEC >= p.period_start))
),
flags AS (
    SELECT ep.CHILD,
           MAX(CASE WHEN ep.DECOM IS NULL OR ep.DEC < ep.DECOM THEN 1 ELSE 0 END) AS invalid,
           MAX(CASE WHEN ep.DEC <= p.period_end AND ep.REC <> 'X1' THEN 1 ELSE 0 END) AS ceased_any
    FROM ep CROSS JOIN p
    GROUP BY ep.CHILD
),
last_ceasing AS (
    SELECT ep.CHILD, ep.REC,
           ROW_NUMBER() OVER (PARTITION BY ep.CHILD ORDER BY ep.DEC DESC, ep.DECOM DESC) AS rn
    FROM ep CROSS JOIN p
    WHERE ep.DEC <= p.period_end AND ep.REC <> 'X1' AND ep.LS NOT IN ('V3', 'V4')
),
units AS (
    SELECT f.CHILD, l.REC,
           CASE WHEN f.invalid = 1 THEN 'invalid episode dates (DECOM missing or after DEC)'
                WHEN l.CHILD IS NULL AND f.ceased_any = 1 THEN 'short breaks only (LS V3/V4)'
                WHEN l.CHILD IS NULL THEN 'did not cease to be looked after in the year'
           END AS exclusion
    FROM flags AS f
    LEFT JOIN last_ceasing AS l ON l.CHILD = f.CHILD AND l.rn = 1
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NOT NULL THEN NULL
            WHEN REC IN ('E4A', 'E4B') THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS numerator,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS denominator,
       exclusion
FROM units
