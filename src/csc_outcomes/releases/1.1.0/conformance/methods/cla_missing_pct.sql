-- cla_missing_pct: of the children looked after at any time in the year (1 April to 31 March),
-- not only under short breaks, those with at least one missing episode (MISSING = M, not A:
-- away without authorisation) in the year, including one already open on 1 April.
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
flags AS (
    SELECT CHILD,
           MAX(CASE WHEN DECOM IS NULL OR DEC < DECOM THEN 1 ELSE 0 END) AS invalid,
           MIN(CASE WHEN LS IN ('V3', 'V4') THEN 1 ELSE 0 END) AS short_breaks_only
    FROM ep
    GROUP BY CHILD
),
missing AS (
    SELECT DISTINCT m.CHILD
    FROM ssda903_missing AS m CROSS JOIN p
    WHERE m.MISSING = 'M' AND m.MIS_START <= p.period_end AND (m.MIS_END IS NULL OR m.MIS_END >= p.period_start)
),
units AS (
    SELECT f.CHILD, m.CHILD AS missing_child,
           CASE WHEN f.invalid = 1 THEN 'invalid episode dates (DECOM missing or after DEC)'
                WHEN f.short_breaks_only = 1 THEN 'short breaks only (LS V3/V4)'
           END AS exclusion
    FROM flags AS f
    LEFT JOIN missing AS m ON m.CHILD = f.CHILD
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NOT NULL THEN NULL
            WHEN missing_child IS NOT NULL THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS numerator,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS denominator,
       exclusion
FROM units
