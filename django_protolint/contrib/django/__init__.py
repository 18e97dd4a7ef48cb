"""django-protolint as Django system checks (an optional Django app).

Add `"django_protolint.contrib.django"` to INSTALLED_APPS, then run `python manage.py check --tag protolint`
(the code findings) or `python manage.py check --deploy` (those plus the serving findings, DPL5xx). Only this
package imports Django; the linter's core never does.
"""
