"""The error types `csc-outcomes check` reports, each with what to do about it."""

from csc_outcomes.report import Severity, error_type

E, W = Severity.ERROR, Severity.WARNING

# reading
MISSING_FILE = error_type("missing-file", "Required catalogue file missing", E,
                          "Every catalogue has framework.yaml, outcomes.yaml and data_sources.yaml at its root.")
YAML_ERROR = error_type("yaml-error", "File is not valid YAML", E,
                        "Fix the syntax at the line given; a YAML linter or editor will show it.")
NOT_A_MAPPING = error_type("not-a-mapping", "File does not hold the expected structure", E,
                           "An indicator, set or code list file is one mapping; list files hold a list under their key.")

# the LinkML schema
SCHEMA_REQUIRED = error_type("missing-field", "Required field missing", E,
                             "Add the field; schema/csc_outcomes.yaml says what it holds.")
SCHEMA_UNKNOWN = error_type("unknown-field", "Field not in the model", E,
                            "Check the spelling against schema/csc_outcomes.yaml, or propose the field for the model.")
SCHEMA_ENUM = error_type("enum-error", "Value not in the permitted list", E,
                         "Use one of the permissible values of the enum named in the message.")
SCHEMA_PATTERN = error_type("pattern-error", "Value does not match the required pattern", E,
                            "Identifiers are lower-case snake_case (indicators) or kebab-case (sets, lists, sources); versions are MAJOR.MINOR.PATCH.")
SCHEMA_TYPE = error_type("wrong-type", "Value of the wrong type", E,
                         "Give a value of the type the model declares (number, text, list, mapping, date YYYY-MM-DD).")
SCHEMA_RULE = error_type("rule-error", "A rule of the model is broken", E,
                         "The message quotes the rule; add what it requires.")
SCHEMA_OTHER = error_type("schema-error", "Does not conform to the model", E,
                          "See the message; schema/csc_outcomes.yaml is the reference.")

# what no schema can say
DUPLICATE_ID = error_type("duplicate-id", "Identifier used more than once", E,
                          "Ids are unique across the catalogue: rename one, or merge the two records.")
FILE_NAME = error_type("file-name-mismatch", "File name does not match the id", E,
                       "Name the file <id>.yaml so the id can be found from the file and the file from the id.")
DANGLING = error_type("dangling-reference", "Reference to something that does not exist", E,
                      "Correct the id, or add the record it names.")
RATIO_MULTIPLIER = error_type("multiplier-mismatch", "Multiplier does not suit the measure type", E,
                              "A percentage has multiplier 100; a proportion 1; a rate per 100, 1,000, 10,000 or 100,000.")
SUPERSESSION_CYCLE = error_type("supersession-cycle", "Supersession goes round in a circle", E,
                                "An indicator cannot (indirectly) supersede itself: break the cycle.")
SUPERSESSION_ONE_WAY = error_type("supersession-one-way", "Supersession recorded on one side only", E,
                                  "When A supersedes B, B's superseded_by is A, and the other way round.")
OUTCOME_UNCOVERED = error_type("outcome-without-indicator", "Outcome has no indicator", E,
                               "Every outcome of the Data Checklist needs at least one indicator, if only a draft; "
                               "an outcome or enabler of another framework that has none says why in `no_indicator`.")
OUTCOME_NO_INDICATOR_CONTRADICTED = error_type(
    "no-indicator-contradicted", "Outcome says it has no indicator, but one measures it", E,
    "Remove `no_indicator` from the outcome, or the outcome from the indicator's framework_outcomes.")
SET_ENTRY = error_type("set-entry-mismatch", "Set entry does not match its indicator", E,
                       "An entry's indicator is a member of the set; its breakdown_topic is one the indicator "
                       "declares, its breakdown a code of that topic's code list; and the indicator names the "
                       "group's outcome in framework_outcomes unless the entry is contextual.")
SET_FIGURE_TWICE = error_type("set-figure-twice", "Published figure given by two entries of a set", E,
                              "Each figure of the dashboard is given by one entry: remove the duplicate number.")
SET_GROUP = error_type("set-group-mismatch", "Set group does not follow the set's framework", E,
                       "Group by the outcomes and enablers of the framework the set names, one group each.")
CODE_OVERLAP = error_type("code-validity-overlap", "A code's validity periods overlap", E,
                          "A code (or legacy code) may be reused only after its previous use ended: fix valid_from/valid_to.")
CODE_DATES = error_type("code-validity-reversed", "A code's validity ends before it starts", E,
                        "valid_to is the last valid day and cannot be before valid_from.")
SET_DUPLICATE = error_type("duplicate-member", "Indicator listed twice in a set", W,
                           "List each member once.")
SOURCE_NOT_LISTED = error_type("source-not-listed", "Quantity source not among the indicator's data sources", W,
                               "Add the source to data_sources, or correct the quantity's source.")
MAPPING_PROBLEM = error_type("mapping-spec-error", "Mapping spec does not conform", E,
                             "See the class MappingSpec in schema/csc_outcomes.yaml and the specs in mappings/.")
