"""The error types `validate` reports. Structure and type errors use frictionless-py's names
(so the two engines can be compared); the framework's own rules have their own codes."""

from csc_outcomes.report import Severity, error_type

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

# --- structure and types (Frictionless Table Schema semantics) -----------------------------
BLANK_LABEL = error_type("blank-label", "Column with no header", E,
                         "Give every column a header, or delete the empty column.")
DUPLICATE_LABEL = error_type("duplicate-label", "Header used twice", E,
                             "Each column appears once; delete or rename the copy.")
MISSING_LABEL = error_type("missing-label", "Required column missing", E,
                           "Add the column (it may be left blank where the row does not need it); "
                           "the return template lists every column.")
EXTRA_LABEL = error_type("extra-label", "Column not in the return format", W,
                         "The column is ignored. Remove it, or check its spelling against the template.")
NO_ROWS = error_type("no-rows", "The return has a header but no rows", W,
                     "Check that the export finished, or that the right sheet was read (--sheet, --header-row).")
BLANK_ROW = error_type("blank-row", "Blank row", E, "Delete the empty row.")
MISSING_CELL = error_type("missing-cell", "Row has fewer cells than the header", E,
                          "Add the missing cells (commas) so the row has one cell per column.")
EXTRA_CELL = error_type("extra-cell", "Row has more cells than the header", E,
                        "Remove the extra cells, or quote a value that contains a comma.")
SOURCE_ERROR = error_type("source-error", "Row cannot be parsed", E,
                          "Check the quoting on this line: a quote opened inside a cell must be closed.")
TYPE_ERROR = error_type("type-error", "Cell is not a number or a GSS symbol", E,
                        "Give a plain number (a point for decimals, no commas or %), or one of the symbols "
                        "c, k, low, x, z, u.")
CONSTRAINT_ERROR = error_type("constraint-error", "Cell breaks a constraint of the Table Schema", E,
                              "The note says which constraint: fill a required cell, use a listed code, "
                              "or match the pattern.")
PRIMARY_KEY = error_type("primary-key", "Same period, place, indicator and breakdown twice", E,
                         "Each figure appears once: delete the duplicate or correct its key columns.")

# --- framework rules -----------------------------------------------------------------------
PERIOD_NOT_CONSECUTIVE = error_type("time-period-not-consecutive", "Two-year period is not two consecutive years", E,
                                    "Write academic and financial years as YYYYZZ with ZZ the next year (202425).")
TIME_IDENTIFIER = error_type("time-identifier-mismatch", "Time identifier does not suit the indicator's period", E,
                             "Use the time_identifier and time_period form the indicator's year convention needs "
                             "(`csc-outcomes indicators show ID`).")
GEOGRAPHY_COLUMNS = error_type("geography-columns", "Geography columns do not suit the row's level", E,
                               "National rows leave region and LA columns blank; Regional rows fill region only; "
                               "Local authority rows fill region and all three LA columns.")
LA_NOT_VALID = error_type("la-code-not-valid-on-date", "LA code not valid on the period's reference date", E,
                          "Use the code in force on the reference date (boundary changes retire codes).")
LA_PLACEHOLDER = error_type("la-code-placeholder", "Row for an authority that no longer existed holds no figures", W,
                            "DfE publishes such rows (all symbols) to keep a time series; drop them from a return.")
LA_MISMATCH = error_type("la-code-mismatch", "LA codes and name disagree", E,
                         "new_la_code, old_la_code and la_name must describe the same authority.")
REGION_MISMATCH = error_type("region-mismatch", "Region does not agree with the LA or its name", E,
                             "Use the region the authority belongs to, with its published name.")
COUNTRY_NAME = error_type("country-name-mismatch", "Country name does not match its code", E,
                          "E92000001 is England.")
INDICATOR_DEPRECATED = error_type("indicator-deprecated", "Indicator is deprecated", W,
                                  "Report its successor as well; the deprecated one will be retired.")
INDICATOR_RETIRED = error_type("indicator-retired", "Indicator is retired", E,
                               "Retired indicators are no longer part of the framework: report the successor.")
INDICATOR_DRAFT = error_type("indicator-draft", "Indicator is a draft", I,
                             "Draft definitions may change without a major version; compare with care.")
BREAKDOWN = error_type("breakdown-not-declared", "Breakdown not declared by the indicator", E,
                       "Use Total/Total, or a breakdown the indicator declares with one of its codes.")
MISSING_VALUE = error_type("missing-value", "Value is blank", E,
                           "Give the value, or a GSS symbol saying why there is none (c, k, x, z, u).")
MISSING_NUMERATOR = error_type("missing-numerator", "Numerator is blank", E,
                               "The indicator defines a numerator: give it, or a GSS symbol.")
MISSING_DENOMINATOR = error_type("missing-denominator", "Denominator is blank", E,
                                 "The indicator defines a denominator: give it, or a GSS symbol.")
UNEXPECTED_DENOMINATOR = error_type("unexpected-denominator", "Denominator given for an indicator without one", W,
                                    "Leave the denominator blank for counts and medians.")
NEGATIVE = error_type("negative-number", "Negative count, rate or percentage", E,
                      "Counts, denominators, rates and percentages cannot be negative.")
NUMERATOR_EXCEEDS = error_type("numerator-exceeds-denominator", "Numerator is larger than the denominator", E,
                               "A percentage or proportion counts part of its denominator: check both figures.")
ZERO_DENOMINATOR = error_type("zero-denominator", "Value given where the denominator is zero", E,
                              "With a zero denominator the value is z (not applicable).")
ZERO_OVER_ZERO = error_type("zero-value-of-nothing", "Value 0 given where the denominator is zero", W,
                            "0 of 0 is not applicable: the value is z. No figure is misstated, so this is a warning.")
VALUE_MISMATCH = error_type("value-mismatch", "Value is not numerator / denominator x multiplier", E,
                            "Recompute the value from the unrounded numerator and denominator, at the "
                            "indicator's decimal places.")
RECOMPUTABLE = error_type("suppressed-value-recomputable", "Suppressed value can be recomputed", W,
                          "Suppress the numerator (and denominator) too, or the suppressed figure can be worked out.")
BREAKDOWN_SUM = error_type("breakdown-sum-mismatch", "Breakdown rows do not add up to the Total row", E,
                           "The indicator's breakdown is exhaustive: the parts must add up to the Total.")
MIXED_MATCH = error_type("mixed-match", "Indicator mixes exact and non-exact sources", W,
                         "Rows resting on a close, broad, narrow or related mapping are not comparable with exact "
                         "ones: compare them separately, or find an exact source.")
SET_INDICATOR_MISSING = error_type("set-indicator-missing", "Indicator of the set not reported", W,
                                   "Report the indicator (with a GSS symbol if there is no figure).")
SET_ROW_MISSING = error_type("set-row-missing", "Indicator not reported for a place and period", W,
                             "Report the Total row for every place and period in the return.")
