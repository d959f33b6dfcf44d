# Django has no formats for Kazakh: numbers as written in Kazakhstan (as for Russian there), 10 382
# and 0,6. Dates keep Django's defaults.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space
NUMBER_GROUPING = 3
