"""Promise statistics: small tables the fix list and the dashboard read instead of every answer.

What counts lives in `counting`; the tables in `models`; `services` keeps them up to date from the
workflow signals (a run accepted, a mismatch overruled, an acceptance undone), in the transaction
that made the move, and rebuilds them from the answers (`flask --app checkapp stats rebuild`);
`queries` reads them for the fix list and the dashboard.
"""
