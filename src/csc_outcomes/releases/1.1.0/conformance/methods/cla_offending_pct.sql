-- cla_offending_pct: of the children looked after continuously for at least 12 months on 31
-- March and aged 10 to 17 then (the OC2 cohort of that age), those convicted or given a youth
-- caution or youth conditional caution during the year (OC2 CONVICTED = 1).
-- Unit: a child with an SSDA903 episode in the year (1 April to 31 March).
-- Looked after continuously for 12 months: looked after on 31 March in a period of care that
-- began on or before 1 April (a period of care begins at an episode with RNE S, or after an
-- episode that ended with a reason other than X1), with no short-break episode (LS V3 or V4)
-- in the year. OC2 rows are those returned for the year (YEAR = params.year, or no YEAR given).
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
    SELECT period_start, period_end, year FROM params
),
ep_year AS (
    SELECT e.CHILD, e.DECOM, e.DEC, e.LS
    FROM episodes AS e CROSS JOIN p
    WHERE e.DECOM IS NULL OR (e.DECOM <= p.period_end AND (e.DEC IS NULL OR e.DEC >= p.period_start))
),
flags AS (
    SELECT ep_year.CHILD,
           MAX(CASE WHEN ep_year.DECOM IS NULL OR ep_year.DEC < ep_year.DECOM THEN 1 ELSE 0 END) AS invalid,
           MAX(CASE WHEN ep_year.LS IN ('V3', 'V4') THEN 1 ELSE 0 END) AS short_break,
           MAX(CASE WHEN ep_year.DECOM <= p.period_end AND (ep_year.DEC IS NULL OR ep_year.DEC > p.period_end)
                    THEN 1 ELSE 0 END) AS at_31mar
    FROM ep_year CROSS JOIN p
    GROUP BY ep_year.CHILD
),
history AS (
    SELECT e.CHILD, e.DECOM, e.RNE,
           LAG(e.DECOM) OVER (PARTITION BY e.CHILD ORDER BY e.DECOM) AS prev_decom,
           LAG(e.DEC) OVER (PARTITION BY e.CHILD ORDER BY e.DECOM) AS prev_dec,
           LAG(e.REC) OVER (PARTITION BY e.CHILD ORDER BY e.DECOM) AS prev_rec
    FROM episodes AS e CROSS JOIN p
    WHERE e.DECOM IS NOT NULL AND e.DECOM <= p.period_end
),
care_start AS (
    SELECT CHILD, MAX(DECOM) AS started
    FROM history
    WHERE RNE = 'S' OR prev_decom IS NULL OR prev_rec IS NULL OR prev_rec <> 'X1' OR prev_dec < DECOM
    GROUP BY CHILD
),
oc2 AS (
    SELECT o.CHILD, MAX(o.DOB) AS DOB, MAX(o.CONVICTED) AS CONVICTED
    FROM ssda903_oc2 AS o CROSS JOIN p
    WHERE o.YEAR IS NULL OR o.YEAR = p.year
    GROUP BY o.CHILD
),
header AS (
    SELECT CHILD, MAX(DOB) AS DOB FROM ssda903_header GROUP BY CHILD
),
units AS (
    SELECT f.CHILD, o.CONVICTED,
           CASE WHEN f.invalid = 1 THEN 'invalid episode dates (DECOM missing or after DEC)'
                WHEN f.at_31mar = 0 OR f.short_break = 1 OR cs.started > p.period_start
                    THEN 'not looked after continuously for 12 months on 31 March'
                WHEN COALESCE(h.DOB, o.DOB) IS NULL THEN 'no date of birth (Header)'
                WHEN EXTRACT(YEAR FROM p.period_end) - EXTRACT(YEAR FROM COALESCE(h.DOB, o.DOB))
                     - CASE WHEN EXTRACT(MONTH FROM COALESCE(h.DOB, o.DOB)) * 100 + EXTRACT(DAY FROM COALESCE(h.DOB, o.DOB))
                                 > EXTRACT(MONTH FROM p.period_end) * 100 + EXTRACT(DAY FROM p.period_end)
                            THEN 1 ELSE 0 END < 10 THEN 'aged under 10 on 31 March'
                WHEN o.CHILD IS NULL THEN 'no OC2 record for the year'
           END AS exclusion
    FROM flags AS f
    CROSS JOIN p
    LEFT JOIN care_start AS cs ON cs.CHILD = f.CHILD
    LEFT JOIN oc2 AS o ON o.CHILD = f.CHILD
    LEFT JOIN header AS h ON h.CHILD = f.CHILD
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NOT NULL THEN NULL
            WHEN CONVICTED = '1' THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS numerator,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS denominator,
       exclusion
FROM units
