#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import sys

import config  # noqa: F401  (chooses the settings module)


def main() -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
