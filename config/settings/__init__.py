"""Settings are chosen by DJANGO_SETTINGS_MODULE, or by DJANGO_ENV=production|local|test."""
