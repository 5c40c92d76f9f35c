"""Closing the loop with the customer committee: the journey map (pass rates, feelings, irritants and
quotes per journey stage), the performers' own words (verbatims), the monthly committee report and
the dashboard's headline. Manager pages only; every figure is a SQL aggregate (queries.py)."""
