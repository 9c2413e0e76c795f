-- cla_3plus_placements_pct: of the children looked after on 31 March (not under short breaks),
-- those with three or more placements during the year (1 April to 31 March).
-- Unit: a child with an SSDA903 episode in the year.
-- Placements counted: the placement the child was in on 1 April (or at their first episode in
-- the year), plus each later episode in the year that began a new placement: reason for new
-- episode S (started), P (new placement and carer), T (new placement, same carer), U (legal
-- status and placement, same carer) or B (legal status, placement and carer). A change of legal
-- status only (L) is not a move. A placement for adoption with the child's current foster
-- carers (PLACE A3 or A5) is not a move. Short-break episodes (V3/V4) are not placements.
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
    SELECT e.CHILD, e.DECOM, e.DEC, e.LS, e.RNE, e.PLACE
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
ordered AS (
    SELECT CHILD, RNE, PLACE, ROW_NUMBER() OVER (PARTITION BY CHILD ORDER BY DECOM) AS rn
    FROM ep
    WHERE DECOM IS NOT NULL AND LS NOT IN ('V3', 'V4')
),
placements AS (
    SELECT CHILD,
           SUM(CASE WHEN rn = 1 THEN 1
                    WHEN RNE = 'S' THEN 1
                    WHEN RNE IN ('P', 'T', 'U', 'B') AND PLACE NOT IN ('A3', 'A5') THEN 1
                    ELSE 0 END) AS n
    FROM ordered
    GROUP BY CHILD
),
units AS (
    SELECT c.CHILD, pl.n,
           CASE WHEN i.CHILD IS NOT NULL THEN 'invalid episode dates (DECOM missing or after DEC)'
                WHEN o.CHILD IS NULL THEN 'not looked after on 31 March'
                WHEN o.LS IN ('V3', 'V4') THEN 'short breaks only (LS V3/V4)'
           END AS exclusion
    FROM (SELECT DISTINCT CHILD FROM ep) AS c
    LEFT JOIN invalid AS i ON i.CHILD = c.CHILD
    LEFT JOIN open_31mar AS o ON o.CHILD = c.CHILD AND o.rn = 1
    LEFT JOIN placements AS pl ON pl.CHILD = c.CHILD
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NOT NULL THEN NULL
            WHEN n >= 3 THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS numerator,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS denominator,
       exclusion
FROM units
