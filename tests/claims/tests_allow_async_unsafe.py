"""fixtures/tests_allow_async_unsafe: baserow's shape. Async websocket tests under a conftest.py that sets
DJANGO_ALLOW_ASYNC_UNSAFE, a sibling test directory without it and one that sets it empty, an async view beside a
conftest that sets it; settings/base.py on Redis for production and settings/test.py on the in-memory layer, which only
pytest.ini names (production names its settings through the environment)."""

from tests.claims import Claim

CLAIMS = [
    Claim("settings", "board.settings.test", "pytest.ini:2 is the only file naming DJANGO_SETTINGS_MODULE"),
    Claim("settings_modules.*.(module,source)", [("board.settings.test", "pytest")], "pytest.ini:2"),
    Claim("purpose.kind", "test", "only pytest's configuration names its settings"),
    Claim("django_version", "5.2", "requirements.txt:1 `Django>=5.2,<6.0`"),
    Claim("root_urlconf", "board.urls", "base.py ROOT_URLCONF, inherited by test.py through `from .base import *`"),
    Claim("views.async_views.*.(view,routes)", [("cards.views.card_detail", ["cards/<int:pk>/"])], "board/urls.py"),
    Claim("websockets.*.(path,line,route,consumer)",
          [("cards/routing.py", 5, "ws/board/", "cards.consumers.BoardConsumer")], "routing.py:5"),
    Claim("verdict.needs", "asgi-required", "the websocket consumer"),
    Claim("verdict.served", "unknown", "no deployment file in the fixture"),
    Claim("verdict.fit", "unknown", "the server is not known"),
]
