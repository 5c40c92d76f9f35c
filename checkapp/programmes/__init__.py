"""Test programmes: a rhythm that makes runs by itself, hands them out and follows them up."""
