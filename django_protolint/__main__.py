from django_protolint.entry import run

run()
