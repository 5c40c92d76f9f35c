"""Personal data (RGPD): the notice testers read, retention that applies itself, a person's data
exported or erased on request, and the privacy log that records each of them without the data."""
