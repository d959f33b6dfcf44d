"""Number and date formats of the languages whose Django formats are missing (FORMAT_MODULE_PATH)."""
