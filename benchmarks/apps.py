from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark's large synthetic dataset (manage.py generate_dataset); installed by the local,
    test and benchmark settings, never in production."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
