"""Runs: planning a test order, performing it item by item, and its report."""
