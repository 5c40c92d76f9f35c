"""The prioritised fix list: every mismatch of one promise across runs, and ideas."""
