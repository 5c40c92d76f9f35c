"""Departments (their names, addresses and language) and their weekly digest."""
