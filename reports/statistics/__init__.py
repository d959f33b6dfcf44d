"""Organization statistics (issue 9): the yearly returns' rules and checks (rules), the federation's
annual report computed by the database (queries), and its CSV/XLSX/printable exports (exports).

Writes go through organizations.services (statistical_return_*, statistical_report_*).
"""
