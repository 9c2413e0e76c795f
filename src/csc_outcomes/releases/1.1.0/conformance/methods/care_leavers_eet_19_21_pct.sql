-- care_leavers_eet_19_21_pct: of the care leavers whose 19th, 20th or 21st birthday fell in the
-- year (1 April to 31 March), those in education, employment or training around their birthday
-- (OC3 ACTIV F1, P1, F2, P2, F4, P4, F5 or P5: higher education, other education, employment or
-- training, full or part time).
-- Unit: a young person with an OC3 record returned for the year (YEAR = params.year, or none
-- given). Aged 19 to 21 on 31 March is the same as a 19th, 20th or 21st birthday in the year.
-- Young people not in touch, refusing contact or no longer needing services stay in the
-- denominator; those who died (IN_TOUCH DIED) or returned home to parents for six months or
-- more (IN_TOUCH RHOM) are left out.
WITH p AS (
    SELECT period_start, period_end, year FROM params
),
oc3 AS (
    SELECT o.CHILD, MAX(o.DOB) AS DOB, MAX(o.IN_TOUCH) AS IN_TOUCH, MAX(o.ACTIV) AS ACTIV, MAX(o.ACCOM) AS ACCOM
    FROM ssda903_oc3 AS o CROSS JOIN p
    WHERE o.YEAR IS NULL OR o.YEAR = p.year
    GROUP BY o.CHILD
),
header AS (
    SELECT CHILD, MAX(DOB) AS DOB FROM ssda903_header GROUP BY CHILD
),
aged AS (
    SELECT o.CHILD, o.IN_TOUCH, o.ACTIV, o.ACCOM,
           EXTRACT(YEAR FROM p.period_end) - EXTRACT(YEAR FROM COALESCE(o.DOB, h.DOB))
             - CASE WHEN EXTRACT(MONTH FROM COALESCE(o.DOB, h.DOB)) * 100 + EXTRACT(DAY FROM COALESCE(o.DOB, h.DOB))
                         > EXTRACT(MONTH FROM p.period_end) * 100 + EXTRACT(DAY FROM p.period_end)
                    THEN 1 ELSE 0 END AS age
    FROM oc3 AS o
    CROSS JOIN p
    LEFT JOIN header AS h ON h.CHILD = o.CHILD
),
units AS (
    SELECT CHILD, ACTIV,
           CASE WHEN age IS NULL THEN 'no date of birth (OC3)'
                WHEN age NOT BETWEEN 19 AND 21 THEN 'not aged 19 to 21 on 31 March'
                WHEN IN_TOUCH = 'DIED' THEN 'died (IN_TOUCH DIED)'
                WHEN IN_TOUCH = 'RHOM' THEN 'returned home for six months or more (IN_TOUCH RHOM)'
           END AS exclusion
    FROM aged
)
SELECT CHILD AS unit_id,
       CASE WHEN exclusion IS NOT NULL THEN NULL
            WHEN ACTIV IN ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5') THEN CAST(1 AS DOUBLE)
            ELSE CAST(0 AS DOUBLE) END AS numerator,
       CASE WHEN exclusion IS NULL THEN CAST(1 AS DOUBLE) END AS denominator,
       exclusion
FROM units
