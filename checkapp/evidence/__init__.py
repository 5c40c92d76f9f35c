"""Evidence for answers: photos taken while performing a run, and confirmation emails."""
