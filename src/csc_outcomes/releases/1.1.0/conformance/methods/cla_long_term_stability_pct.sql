-- cla_long_term_stability_pct: of the children looked after on 31 March, aged under 16, who had
-- been looked after continuously for at least two and a half years, those living with the same
-- carer for at least two years (or placed for adoption, where the adoptive placement and the
-- placement before it together last at least two years).
-- Unit: a child with an SSDA903 episode in the year (1 April to 31 March).
-- Period of care: begins at an episode with RNE S, or after an episode that ended with a reason
-- other than X1 (or with a gap); it is continuous while episodes follow each other with X1.
-- Durations count both end days, as for the 12-month rule (looked after from 1 April to 31 March
-- is 12 months): 2.5 years at 31 March 2025 means a period of care that began on or before
-- 1 October 2022; 2 years means a carer since 1 April 2023 or earlier.
-- A new carer: an episode with RNE S, P or B (T and U change the placement but keep the carer;
-- L changes legal status only). Placed for adoption with new carers (PLACE A4 or A6): the
-- carer before the adopters starts the two years.
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
    SELECT period_start, period_end,
           CAST(period_end - INTERVAL '30' MONTH + INTERVAL '1' DAY AS DATE) AS cut_30m,
           CAST(period_end - INTERVAL '24' MONTH + INTERVAL '1' DAY AS DATE) AS cut_24m
    FROM params
),
ep_year AS (
    SELECT e.CHILD, e.DECOM, e.DEC, e.LS
    FROM episodes AS e CROSS JOIN p
    WHERE e.DECOM IS NULL OR (e.DECOM <= p.period_end AND (e.DEC IS NULL OR e.DEC >= p.period_start))
),
invalid AS (
    SELECT DISTINCT CHILD FROM ep_year WHERE DECOM IS NULL OR DEC < DECOM
),
open_31mar AS (
    SELECT ep_year.CHILD, ep_year.LS, ROW_NUMBER() OVER (PARTITION BY ep_year.CHILD ORDER BY ep_year.DECOM DESC) AS rn
    FROM ep_year CROSS JOIN p
    WHERE ep_year.DECOM <= p.period_end AND (ep_year.DEC IS NULL OR ep_year.DEC > p.period_end)
),
history AS (
    SELECT e.CHILD, e.DECOM, e.RNE, e.PLACE,
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
carers AS (
    SELECT h.CHILD, h.DECOM, h.PLACE, ROW_NUMBER() OVER (PARTITION BY h.CHILD ORDER BY h.DECOM DESC) AS k
    FROM history AS h
    JOIN care_start AS cs ON cs.CHILD = h.CHILD AND h.DECOM >= cs.started
    WHERE h.RNE IN ('S', 'P', 'B') OR h.DECOM = cs.started
),
stable_since AS (
    SELECT c1.CHILD,
           CASE WHEN c1.PLACE IN ('A4', 'A6') AND c2.DECOM IS NOT NULL THEN c2.DECOM ELSE c1.DECOM END AS since
    FROM carers AS c1
    LEFT JOIN carers AS c2 ON c2.CHILD = c1.CHILD AND c2.k = 2
    WHERE c1.k = 1
),
header AS (
    SELECT CHILD, MAX(DOB) AS DOB FROM ssda903_header GROUP BY CHILD
),
units AS (
    SELECT c.CHILD, s.since, p.cut_24m,
           CASE WHEN i.CHILD IS NOT NULL THEN 'invalid episode dates (DECOM missing or after DEC)'
                WHEN o.CHILD IS NULL THEN 'not looked after on 31 March'
                WHEN o.LS IN ('V3', 'V4') THEN 'short breaks only (LS V3/V4)'
                WHEN h.DOB IS NULL THEN 'no date of birth (Header)'
                WHEN EXTRACT(YEAR FROM p.period_end) - EXTRACT(YEAR FROM h.DOB)
                     - CASE WHEN EXTRACT(MONTH FROM h.DOB) * 100 + EXTRACT(DAY FROM h.DOB)
                                 > EXTRACT(MONTH FROM p.period_end) * 100 + EXTRACT(DAY FROM p.period_end)
                            THEN 1 ELSE 0 END >= 16 THEN 'aged 16 or over on 31 March'
                WHEN cs.started > p.cut_30m THEN 'looked after less than 2.5 years on 31 March'
           END AS exclusion
    FROM (SELECT DISTINCT CHILD FROM ep_year) AS c
    CROSS JOIN p
    LEFT JOIN invalid AS i ON i.CHILD = c.CHILD
    LEFT JOIN open_31mar AS o ON o.CHILD = c.CHILD AND o.rn = 1
    LEFT JOIN care_start AS cs ON cs.CHILD = c.CHILD
    LEFT JOIN stable_since AS s ON s.CHILD = c.CHILD
    LEFT JOIN header AS h ON h.CHILD = c.CHILD
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NOT NULL THEN NULL
            WHEN since <= cut_24m THEN CAST(1 AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS numerator,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS denominator,
       exclusion
FROM units
