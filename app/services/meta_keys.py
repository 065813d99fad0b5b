"""Keys of the app_meta rows read in more than one place (plain SQL included)."""

PREFERENCE = "pref."        # + a preference's name (services/preferences.py)
CONFLICTS_LIKE = "conflict:%"  # a file's conflict waiting for a person (exchange/conflicts.py)
