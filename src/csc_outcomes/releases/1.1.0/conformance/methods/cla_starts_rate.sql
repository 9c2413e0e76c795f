-- cla_starts_rate (numerator): children who started to be looked after in the year, counted once
-- however many times they started; the denominator is the ONS population (supplied by compute).
-- Unit: a child with an SSDA903 episode in the year (1 April to 31 March).
-- A start: an episode with reason for new episode S (started to be looked after) beginning
-- between 1 April and 31 March, not under a short-break legal status (V3 or V4).
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
    SELECT e.CHILD, e.DECOM, e.DEC, e.LS, e.RNE
    FROM episodes AS e CROSS JOIN p
    WHERE e.DECOM IS NULL OR (e.DECOM <= p.period_end AND (e.DEC IS NULL OR e.DEC >= p.period_start))
),
flags AS (
    SELECT ep.CHILD,
           MAX(CASE WHEN ep.DECOM IS NULL OR ep.DEC < ep.DECOM THEN 1 ELSE 0 END) AS invalid,
           MAX(CASE WHEN ep.RNE = 'S' AND ep.DECOM >= p.period_start AND ep.LS NOT IN ('V3', 'V4')
                    THEN 1 ELSE 0 END) AS started,
           MAX(CASE WHEN ep.RNE = 'S' AND ep.DECOM >= p.period_start THEN 1 ELSE 0 END) AS started_any
    FROM ep CROSS JOIN p
    GROUP BY ep.CHILD
),
units AS (
    SELECT CHILD,
           CASE WHEN invalid = 1 THEN 'invalid episode dates (DECOM missing or after DEC)'
                WHEN started = 0 AND started_any = 1 THEN 'short breaks only (LS V3/V4)'
                WHEN started = 0 THEN 'did not start to be looked after in the year'
           END AS exclusion
    FROM flags
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS numerator,
       CAST(NULL AS DOUBLE) AS denominator,
       exclusion
FROM units
