"""Optional accounts (``VIVA_ACCOUNTS=on``): a username and password own a practice profile, for several
people on one server. Off by default; needs the ``accounts`` extra (argon2-cffi)."""
