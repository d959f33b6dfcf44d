"""SQLite (the demo database) taught what searches need: its LOWER() folds only ASCII letters, so
"Иванов" and "иванов" would differ. Python's str.lower folds every alphabet, Cyrillic and Kazakh too."""


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def sqlite_functions(sender, connection, **kwargs) -> None:
    """connection_created receiver: LOWER() of every SQLite connection made Unicode-aware."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("lower", 1, _lower, deterministic=True)
