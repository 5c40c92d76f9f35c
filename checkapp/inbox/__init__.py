"""Each run's own email address: run-<token>@CHECKAPP_INBOX_DOMAIN, and the SMTP server behind it."""
