"""The problems `plan check` reports, declared once with their titles and hints."""

from __future__ import annotations

from csc_outcomes.report import Severity
from csc_outcomes.report.model import error_type

SCHEMA = error_type("plan-schema", "The plan breaks the model", Severity.ERROR,
                    "See the EvaluationPlan class in schema/csc_outcomes.yaml, or start from `csc-outcomes plan new`.")
FRAMEWORK_VERSION = error_type("plan-framework-version", "Framework version not available", Severity.ERROR,
                               "Name a version of the standard this package ships (csc-outcomes diff lists them).")
UNKNOWN_INDICATOR = error_type("plan-unknown-indicator", "Indicator not in the named version", Severity.ERROR,
                               "Use an indicator of that version (csc-outcomes indicators list), or define a "
                               "local_measure.")
INDICATOR_NOT_ACTIVE = error_type("plan-indicator-not-active", "Indicator is not active in that version",
                                  Severity.WARNING,
                                  "A draft may still change; a deprecated indicator names its successor: "
                                  "prefer an active indicator so results stay comparable.")
INDICATOR_OUTCOME = error_type("plan-indicator-outcome", "Indicator does not measure that outcome in the standard",
                               Severity.WARNING,
                               "Check the outcome, or say in the theory of change why this indicator shows it.")
UNKNOWN_OUTCOME = error_type("plan-unknown-outcome", "Outcome not in the outcome framework", Severity.ERROR,
                             "Use an outcome framework and outcome of the standard (csc-outcomes indicators "
                             "outcomes).")
NO_MEASURE = error_type("plan-outcome-without-measure", "Planned outcome without a measure", Severity.ERROR,
                        "Give the indicator that will measure it, or define a local_measure.")
TWO_MEASURES = error_type("plan-outcome-two-measures", "Planned outcome with two measures", Severity.ERROR,
                          "Give either an indicator or a local_measure, not both: plan a second outcome for "
                          "the other.")
DUPLICATE_KEY = error_type("plan-duplicate-key", "Two planned outcomes share a key", Severity.ERROR,
                           "Give every planned outcome its own key: reported results point at it.")
LOCAL_DUPLICATES = error_type("plan-local-measure-duplicates-indicator",
                              "Local measure duplicates an indicator of the standard", Severity.WARNING,
                              "Use the standard's indicator instead, so your result can be compared with others.")
LOCAL_MEASURE = error_type("plan-local-measure", "Local measure breaks the indicator model", Severity.ERROR,
                           "A local measure has the fields of an indicator: see the Indicator class.")
NO_PRIMARY = error_type("plan-no-primary-outcome", "No primary outcome", Severity.WARNING,
                        "Say which outcome the evaluation stands or falls by (role: primary).")
DATES = error_type("plan-dates", "Dates do not follow each other", Severity.ERROR,
                   "The plan starts before it ends.")
LATE_REGISTRATION = error_type("plan-registered-late", "Plan registered after the work started", Severity.WARNING,
                               "Register the plan before the innovation starts, so outcomes cannot be chosen "
                               "after the results are known.")
AUDIT_INCOMPLETE = error_type("plan-audit-incomplete", "Service self-audit leaves out conditions", Severity.WARNING,
                              "Assess each of the seven conditions for using data well (Appendix 1).")
