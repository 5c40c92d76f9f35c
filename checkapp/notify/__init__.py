"""Notifications: who is told by email when a run or a fix moves, and when a fix is overdue.

receivers.py listens to the workflow signals (connected in checkapp.connect_receivers) and calls
send_mail; recipients.py says who that is and in which language; overdue.py is the daily sweep
that tasks.py schedules. See README: Email and background jobs.
"""
