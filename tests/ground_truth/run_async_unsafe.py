"""Ground truth for DJANGO_ALLOW_ASYNC_UNSAFE: run a sync query on an event loop with each value of the variable.

Run under a real Django (tests/django_versions.py) with one argument: a JSON list of values, `null` for unset.
Prints a JSON list, one outcome per value: "SynchronousOnlyOperation" or "ran". Imports only Django.
"""

import asyncio
import json
import os
import sys

import django
from django.conf import settings

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth"],
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.exceptions import SynchronousOnlyOperation  # noqa: E402
from django.db import connection  # noqa: E402


async def query() -> str:
    try:
        # The guard sits on the connection (connect/cursor); close first so each value meets it afresh.
        connection.close()
        User.objects.filter(pk=1).exists()
    except SynchronousOnlyOperation:
        return "SynchronousOnlyOperation"
    except Exception as error:  # the table does not exist: the query ran, which is what we ask
        return "ran" if "no such table" in str(error) else repr(error)
    return "ran"


outcomes = []
for value in json.loads(sys.argv[1]):
    if value is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = value
    outcomes.append(asyncio.run(query()))
print(json.dumps(outcomes))
