from django_protolint.cli import run

run()
