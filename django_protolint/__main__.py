from django_protolint.cli import main

main()
