"""Webhooks: the manager's URLs receive a signed JSON POST when a run or a fix moves.

The workflow signals' receivers (services.py) record one delivery per subscribed webhook in the
workflow's transaction; a job (tasks.py) POSTs it once that transaction commits, signed with the
webhook's secret, and is retried with backoff when the receiver fails. See README: Webhooks.
"""
