"""DPL30x: Channels and `asgi.py` mistakes that break websockets or the whole ASGI app.

Facts: ../shared/facts.md §5 (Channels 4.3.2, verified with WebsocketCommunicator and daphne).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from django_protolint.findings import Finding
from django_protolint.knowledge import channels_api
from django_protolint.project.channel_layers import layer_uses, settings_without_layer
from django_protolint.project.channels import AsgiApplication
from django_protolint.project.channels_release import ChannelsRelease
from django_protolint.project.django_project import DjangoProject
from django_protolint.project.model import ProjectModel
from django_protolint.rules.base import Gates, Invalid, Rule, Valid, check, django_project
from django_protolint.source import static
from django_protolint.source.facts import Span

CHANNELS_DOCS = "https://channels.readthedocs.io/en/stable/"

ROUTER_ASGI = """
import os

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
django_asgi_app = get_asgi_application()

from app.routing import websocket_urlpatterns

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
"""
ROUTING = """
from django.urls import path

from .consumers import ChatConsumer

websocket_urlpatterns = [path("ws/chat/", ChatConsumer.as_asgi())]
"""
CONSUMERS = """
from channels.generic.websocket import AsyncWebsocketConsumer


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
"""


def channels_example(asgi: str = ROUTER_ASGI, routing: str = ROUTING, consumers: str = CONSUMERS,
                     settings: str = "") -> dict[str, str]:  # fmt: skip
    files = django_project("", proj__asgi_py=asgi, app__routing_py=routing, app__consumers_py=consumers)
    files["proj/settings.py"] += settings
    return files


# django-backend-youtube's shape: the default asgi.py left beside route.py, which the deployment and
# ASGI_APPLICATION both name. `stale` is asgi.py's router; `served` the module the Procfile's daphne runs.
SERVED_ROUTE = """
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

from app.routing import websocket_urlpatterns

application = ProtocolTypeRouter(
    {
        "http": get_asgi_application(),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
"""


def stale_entry_point_example(stale: str, served: str = "proj.route") -> dict[str, str]:
    files = channels_example(asgi=stale, settings='ASGI_APPLICATION = "proj.route.application"\n')
    files["proj/route.py"] = SERVED_ROUTE
    files["Procfile"] = f"web: daphne -b 0.0.0.0 -p 8000 {served}:application\n"
    files["requirements.txt"] = "Django>=4.2\nchannels>=4.0,<5\n"
    return files


ROUTER_WITHOUT_HTTP_ASGI = """
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application

get_asgi_application()

from app.routing import websocket_urlpatterns

application = ProtocolTypeRouter(  # expect: DPL301
    {"websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns))}
)
"""
# A Channels 2 project as its docs built one: ASGI_APPLICATION names the router in routing.py, asgi.py only
# sets Django up, the router has no "http" key and routes consumer classes.
CHANNELS_2 = django_project(
    "",
    proj__routing_py="""
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator

    import app.routing

    application = ProtocolTypeRouter(
        {"websocket": AllowedHostsOriginValidator(URLRouter(app.routing.websocket_urlpatterns))}
    )
    """,
    proj__asgi_py="""
    import os

    import django
    from channels.routing import get_default_application

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    django.setup()
    application = get_default_application()
    """,
    app__routing_py="""
    from django.urls import path

    from .consumers import ChatConsumer

    websocket_urlpatterns = [path("ws/chat/", ChatConsumer)]
    """,
    app__consumers_py=CONSUMERS,
)
CHANNELS_2["proj/settings.py"] += 'ASGI_APPLICATION = "proj.routing.application"\n'
CHANNELS_2["requirements.txt"] = "Django==2.2.28\nchannels==2.4.0\n"

ROUTER_WITHOUT_HTTP = Rule(
    code="DPL301",
    slug="protocol-router-without-http",
    severity="error",
    summary='`ProtocolTypeRouter` has no `"http"` entry (Channels ≥ 4)',
    message='`ProtocolTypeRouter` in {file} routes {protocols} but not "http": {consequence} ({release})',
    rationale=(
        'Since Channels 4.0 the router no longer adds Django\'s HTTP handler for you: without an `"http"` key '
        "an HTTP request raises `ValueError: No application configured for scope type 'http'`, so the site "
        'itself stops answering. Channels 2.x and 3.x add `"http": AsgiHandler` themselves (3.x with a '
        "DeprecationWarning), so the rule reads the Channels release the dependency files allow and is silent "
        "below 4.0 (knowledge/channels_api.py ROUTER_ADDS_HTTP)."
    ),
    fix='add `"http": get_asgi_application()` to the router',
    known_problems=(
        "What it cannot see: the installed release. It reads the range the dependency files allow "
        "(requirements*.txt, pyproject.toml, Pipfile, setup.cfg; not lock files). When that range decides nothing "
        '(no pin, `channels>=2.0`), code that only works on some releases decides: `"daphne"` in '
        'INSTALLED_APPS means 4.x (an `error`); `as_asgi()` or `"http": get_asgi_application()` mean 3.0 or '
        "later, which leaves 3.x (works, with a DeprecationWarning) and 4.x (fails): reported at `info`. With no "
        "such sign it is silent. An asgi module nothing serves (every production server and ASGI_APPLICATION name "
        "another of the project's ASGI modules) is reported at `info`: it fails only once someone serves it."
    ),
    gates=Gates(channels=">=4.0", file_role="asgi.py"),
    links=(
        "https://channels.readthedocs.io/en/stable/releases/4.0.0.html",
        "https://channels.readthedocs.io/en/stable/installation.html",
    ),
    examples=[
        Invalid(
            channels_example(
                asgi="""
                from channels.routing import ProtocolTypeRouter, URLRouter
                from channels.security.websocket import AllowedHostsOriginValidator
                from django.core.asgi import get_asgi_application

                get_asgi_application()

                from app.routing import websocket_urlpatterns

                application = ProtocolTypeRouter(  # expect: DPL301
                    {"websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns))}
                )
                """
            )
            | {"requirements.txt": "Django>=4.2\nchannels>=4.0\n"},
            id="a ProtocolTypeRouter with a websocket key and no http key",
        ),
        Invalid(
            channels_example(asgi=ROUTER_WITHOUT_HTTP_ASGI),
            note="no pin, but the routes use as_asgi() (Channels ≥ 3): reported at `info`, 3.x still adds it",
        ),
        Invalid(
            stale_entry_point_example(
                ROUTER_WITHOUT_HTTP_ASGI.replace("# expect: DPL301", "# expect: DPL301 severity=info")
            ),
            id="a router without http in an asgi.py nothing serves is info",
            note="the Procfile's daphne and ASGI_APPLICATION both run proj.route: the stale file breaks nothing yet",
        ),
        Valid(channels_example(), id="a ProtocolTypeRouter with http and websocket keys"),
        Valid(
            channels_example(asgi=ROUTER_WITHOUT_HTTP_ASGI.replace("  # expect: DPL301", ""))
            | {"requirements.txt": "Django>=3.2\nchannels==3.0.5\n"},
            note='Channels 3.x adds the "http" handler itself (with a DeprecationWarning)',
        ),
        Valid(CHANNELS_2, note='Channels 2: the router adds "http" itself, consumers are routed as classes'),
        Valid(
            {path: body.replace("channels==2.4.0", "channels") for path, body in CHANNELS_2.items()},
            note="no pin and no code that only one release runs: nothing tells the release, so silent",
        ),
    ],
)

AUTH_STACK_ASGI = """
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from app.routing import websocket_urlpatterns

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),  # expect: DPL302
    }
)
"""

MISSING_ORIGIN_VALIDATOR = Rule(
    code="DPL302",
    slug="websocket-without-origin-validator",
    severity="warning",
    summary="Websocket routes without `AllowedHostsOriginValidator` or `OriginValidator`",
    message="websocket routes in {file} accept connections from any origin (no origin validator)",
    rationale=(
        "Browsers send cookies with cross-site websocket handshakes and websockets have no CSRF token, so any "
        "site a logged-in user visits can open an authenticated socket to yours (cross-site websocket "
        "hijacking). Channels' `AllowedHostsOriginValidator` refuses foreign origins with 403. Not reported when "
        "the websocket app is wrapped in middleware we do not know, which may check the origin itself. When a "
        "settings module the project runs with puts `'*'` in ALLOWED_HOSTS, `AllowedHostsOriginValidator` accepts "
        "every origin (`'*'` matches anything in `OriginValidator.valid_origin`), so the advice is "
        "`OriginValidator` with the site's own origins."
    ),
    known_problems=(
        "Whether a consumer reads `scope['user']` or the session is not looked at: a socket that authenticates "
        "nobody gives a cross-site page nothing it could not get by connecting itself, and is still reported. An "
        "asgi module nothing serves (every production server and ASGI_APPLICATION name another of the project's "
        "ASGI modules) is reported at `info`."
    ),
    fix="wrap the websocket app: `AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(...)))`",
    gates=Gates(file_role="asgi.py"),
    links=("https://channels.readthedocs.io/en/stable/topics/security.html",),
    examples=[
        Invalid(
            channels_example(asgi=AUTH_STACK_ASGI),
            id="a websocket app in AuthMiddlewareStack without an origin validator",
        ),
        Invalid(
            stale_entry_point_example(AUTH_STACK_ASGI.replace("# expect: DPL302", "# expect: DPL302 severity=info")),
            id="no origin validator in an asgi.py nothing serves is info",
            note="daphne and ASGI_APPLICATION run proj.route, whose websocket app is validated",
        ),
        Invalid(
            stale_entry_point_example(
                AUTH_STACK_ASGI.replace("# expect: DPL302", "# expect: DPL302 severity=warning"), served="proj.asgi"
            ),
            note="the same files with daphne serving proj.asgi: a warning, whatever ASGI_APPLICATION says",
        ),
        Invalid(
            channels_example(asgi=AUTH_STACK_ASGI, settings='ALLOWED_HOSTS = ["*"]\n'),
            id="with '*' in ALLOWED_HOSTS the advice is OriginValidator with explicit origins",
            note="`AllowedHostsOriginValidator` lets `*` match any origin (channels/security/websocket.py)",
        ),
        Valid(channels_example(), id="a websocket app in AllowedHostsOriginValidator"),
        Valid(
            channels_example(
                asgi=AUTH_STACK_ASGI.replace("  # expect: DPL302", "")
                .replace(
                    '"websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),',
                    '"websocket": OriginValidator(\n'
                    '            AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), ["https://chat.example.com"]\n'
                    "        ),",
                )
                .replace(
                    "from django.core.asgi",
                    "from channels.security.websocket import OriginValidator\nfrom django.core.asgi",
                ),
                settings='ALLOWED_HOSTS = ["*"]\n',
            ),
            note="OriginValidator with explicit origins: what the advice asks for when ALLOWED_HOSTS holds '*'",
        ),  # fmt: skip
        Valid(
            channels_example(
                asgi=AUTH_STACK_ASGI.replace("  # expect: DPL302", "")
                .replace("AuthMiddlewareStack(URLRouter", "TokenOriginMiddleware(URLRouter")
                .replace(
                    "from channels.auth import AuthMiddlewareStack", "from app.middleware import TokenOriginMiddleware"
                ),
            )
            | {
                "app/middleware.py": "class TokenOriginMiddleware:\n    def __init__(self, app):\n"
                "        self.app = app\n"
            },
            note="wrapped in the project's own middleware, which may check the origin itself",
        ),  # fmt: skip
        Valid(
            stale_entry_point_example(
                ROUTER_ASGI.replace('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")', "")
            ),
            note="asgi.py and the route.py that serves both validate the origin",
        ),
    ],
)


def split_settings_example(
    named: str | None, production_layer: str, test_layer: str, expect: str = ""
) -> dict[str, str]:
    """A Channels project with a settings package: base.py for production, test.py for pytest (pytest.ini names
    it). `named`: the module manage.py and asgi.py set, or None when only the environment names it (baserow)."""
    setdefault = f'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{named}")' if named else ""
    files = channels_example(
        asgi=ROUTER_ASGI.replace('os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")', setdefault)
    )
    del files["proj/settings.py"]
    files["manage.py"] = f"import os\n{setdefault}\n"
    files["pytest.ini"] = "[pytest]\nDJANGO_SETTINGS_MODULE = proj.settings.test\n"
    files["proj/settings/__init__.py"] = ""
    files["proj/settings/base.py"] = (
        'INSTALLED_APPS = ["daphne", "channels", "app"]\nROOT_URLCONF = "proj.urls"\n'
        f'CHANNEL_LAYERS = {{"default": {{"BACKEND": "{production_layer}"}}}}{expect}\n'
    )
    files["proj/settings/test.py"] = (
        f'from .base import *  # noqa\n\nCHANNEL_LAYERS = {{"default": {{"BACKEND": "{test_layer}"}}}}\n'
    )
    return files


IN_MEMORY_LAYER = Rule(
    code="DPL303",
    slug="in-memory-channel-layer",
    severity="warning",
    summary="`InMemoryChannelLayer` in the settings the project runs with",
    message="`InMemoryChannelLayer` in {settings} loses messages between processes: group sends reach only "
    "consumers in the same process",
    rationale=(
        "The in-memory layer lives inside one process. With several workers or containers, or when a view, a "
        "Celery task or a management command calls `group_send`, messages silently miss every consumer in "
        "another process. Channels' docs say it is for testing and local development only."
    ),
    fix='use `channels_redis.core.RedisChannelLayer` (`{{"BACKEND": "channels_redis.core.RedisChannelLayer", ...}}`)',
    gates=Gates(file_role="settings module"),
    links=("https://channels.readthedocs.io/en/stable/topics/channel_layers.html",),
    examples=[
        Invalid(
            channels_example(
                settings='CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}'
                "  # expect: DPL303\n"
            ),
            id="CHANNEL_LAYERS on InMemoryChannelLayer in the settings",
        ),
        Invalid(
            channels_example(
                settings='CHANNEL_LAYERS = {\n    "default": {\n'
                '        "BACKEND": "channels.layers.InMemoryChannelLayer",  # expect: DPL303\n    }\n}\n'
            ),
            note="the finding sits on the BACKEND value, the text to change",
        ),
        Valid(
            channels_example(
                settings='CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}\n'
            ),
            id="CHANNEL_LAYERS on RedisChannelLayer",
        ),
        Valid(
            django_project(
                "",
                proj__settings_py='INSTALLED_APPS = ["daphne", "django.contrib.auth"]\nROOT_URLCONF = "proj.urls"\n'
                'CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}\n',
            ),
            note="a setting left behind in a project that runs no Channels code (no consumer, router or layer use)",
        ),
        Valid(
            split_settings_example(
                None, "channels_redis.core.RedisChannelLayer", "channels.layers.InMemoryChannelLayer"
            ),
            id="InMemoryChannelLayer in settings/test.py that only pytest.ini names: the test run's settings",
        ),
        Invalid(
            split_settings_example(
                "proj.settings.base",
                "channels.layers.InMemoryChannelLayer",
                "channels.layers.InMemoryChannelLayer",
                expect="  # expect: DPL303",
            ),
            id="InMemoryChannelLayer in the production settings beside test settings is still reported",
        ),
    ],
)

# asgi.py importing the routing above get_asgi_application(): DPL304 unless nothing it imports loads models.
EARLY_ROUTING_ASGI = """
import os

from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

from app.routing import websocket_urlpatterns{expect}

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
application = ProtocolTypeRouter(
    {{"http": get_asgi_application(), "websocket": URLRouter(websocket_urlpatterns)}}
)
"""

# `from channels.auth import ...` above get_asgi_application(), and a consumer that imports channels.auth too.
EARLY_AUTH_ASGI = """
import os

from channels.auth import AuthMiddlewareStack{expect}
from channels.routing import ProtocolTypeRouter, URLRouter
from django.core.asgi import get_asgi_application

from app.routing import websocket_urlpatterns{expect}

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
application = ProtocolTypeRouter(
    {{"http": get_asgi_application(), "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns))}}
)
"""
AUTH_CONSUMERS = """
from channels.auth import login
from channels.generic.websocket import AsyncWebsocketConsumer


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await login(self.scope, self.scope["user"])
        await self.accept()
"""


def pinned(files: dict[str, str], requirement: str) -> dict[str, str]:
    return files | {"requirements.txt": f"Django>=3.2,<4\n{requirement}\n"}


EARLY_MODEL_IMPORT = Rule(
    code="DPL304",
    slug="asgi-imports-models-before-setup",
    severity="error",
    summary="`asgi.py` imports models (directly or through consumers/routing) before `get_asgi_application()`",
    message="`{module}` is imported before `get_asgi_application()` (line {setup_line}) and loads models{via}: "
    "the server fails to start with AppRegistryNotReady",
    rationale=(
        "`get_asgi_application()` runs `django.setup()`, which loads the apps. A model class defined before that "
        "raises `AppRegistryNotReady: Apps aren't loaded yet` (or `ImproperlyConfigured: Requested setting "
        "INSTALLED_APPS` when DJANGO_SETTINGS_MODULE is set only later in the file). Importing routing or "
        "consumers at the top of `asgi.py` does exactly that when they import models, or call `get_user_model()` or "
        "`apps.get_model()` at module level. Imports of `channels.*` "
        "are harmless from Channels 3.0.4 on; up to 3.0.3 `channels/auth.py` imports `AnonymousUser` at module "
        "level, so `from channels.auth import AuthMiddlewareStack` (in `asgi.py`, or in a consumer the routing "
        "imports) fails the same way. That case is reported only when the dependency files pin Channels below "
        "3.0.4 (checked by running 3.0.3 and 3.0.4)."
    ),
    fix="import the routing (and anything that imports models) after `django_asgi_app = get_asgi_application()`",
    gates=Gates(file_role="asgi.py"),
    links=(
        "https://channels.readthedocs.io/en/stable/deploying.html",
        "https://docs.djangoproject.com/en/stable/howto/deployment/asgi/#the-application-object",
    ),
    examples=[
        Invalid(
            channels_example(
                asgi=EARLY_ROUTING_ASGI.format(expect="  # expect: DPL304"),
                consumers="""
                from channels.generic.websocket import AsyncWebsocketConsumer

                from .models import Message


                class ChatConsumer(AsyncWebsocketConsumer):
                    async def connect(self):
                        await self.accept()
                """,
            )
            | {"app/models.py": "from django.db import models\n\nclass Message(models.Model):\n    pass\n"},
            id="routing that imports models, imported before get_asgi_application",
        ),
        Valid(
            channels_example(
                consumers="""
                from channels.generic.websocket import AsyncWebsocketConsumer

                from .models import Message


                class ChatConsumer(AsyncWebsocketConsumer):
                    async def connect(self):
                        await self.accept()
                """
            )
            | {"app/models.py": "from django.db import models\n\nclass Message(models.Model):\n    pass\n"},
            note="the routing is imported after get_asgi_application()",
        ),
        Valid(
            channels_example(
                asgi=EARLY_ROUTING_ASGI.format(expect=""),
                consumers="""
                import os

                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
                import django

                django.setup()

                from channels.generic.websocket import AsyncWebsocketConsumer

                from .models import Message


                class ChatConsumer(AsyncWebsocketConsumer):
                    async def connect(self):
                        await self.accept()
                """,
            )
            | {"app/models.py": "from django.db import models\n\nclass Message(models.Model):\n    pass\n"},
            note="the consumers module calls django.setup() itself before it imports models",
        ),
        Valid(
            channels_example(
                asgi=EARLY_ROUTING_ASGI.format(expect=""),
                consumers="""
                from typing import TYPE_CHECKING

                from channels.generic.websocket import AsyncWebsocketConsumer

                if TYPE_CHECKING:
                    from .models import Message


                class ChatConsumer(AsyncWebsocketConsumer):
                    async def connect(self):
                        await self.accept()
                """,
            )
            | {"app/models.py": "from django.db import models\n\nclass Message(models.Model):\n    pass\n"},
            note="an import under `if TYPE_CHECKING:` never runs",
        ),
        Invalid(
            channels_example(
                asgi=EARLY_ROUTING_ASGI.format(expect="  # expect: DPL304"),
                consumers="""
                from channels.generic.websocket import AsyncWebsocketConsumer
                from django.contrib.auth import get_user_model

                User = get_user_model()


                class ChatConsumer(AsyncWebsocketConsumer):
                    async def connect(self):
                        await self.accept()
                """,
            ),
            note="`get_user_model()` at module level needs the app registry as much as a model import does",
        ),
        Valid(
            channels_example(
                asgi=EARLY_ROUTING_ASGI.format(expect=""),
                consumers="""
                from channels.generic.websocket import AsyncWebsocketConsumer
                from django.contrib.auth import get_user_model


                class ChatConsumer(AsyncWebsocketConsumer):
                    async def connect(self):
                        self.user_model = get_user_model()
                        await self.accept()
                """,
            ),
            note="called inside a method, when the first connection arrives: the registry is ready by then",
        ),
        Invalid(
            pinned(
                channels_example(asgi=EARLY_AUTH_ASGI.format(expect="  # expect: DPL304"), consumers=AUTH_CONSUMERS),
                "channels==3.0.3",
            ),
            note="up to Channels 3.0.3 `channels.auth` imports `AnonymousUser` at module level: directly, and "
            "through the routing whose consumer imports it",
        ),
        Valid(
            pinned(
                channels_example(asgi=EARLY_AUTH_ASGI.format(expect=""), consumers=AUTH_CONSUMERS), "channels==3.0.4"
            ),
            note="from Channels 3.0.4 `channels.auth` imports the model inside its functions",
        ),
        Valid(
            channels_example(asgi=EARLY_AUTH_ASGI.format(expect=""), consumers=AUTH_CONSUMERS),
            note="no dependency file pins Channels: the release is open, so nothing is reported",
        ),
    ],
)

BARE_CONSUMER = Rule(
    code="DPL305",
    slug="consumer-routed-without-as-asgi",
    severity="error",
    summary="A consumer class routed without `.as_asgi()` (Channels ≥ 3)",
    message="`{consumer}` is routed as a class: connections fail with TypeError on Channels ≥ 3.0 ({release}); "
    "route `{consumer}.as_asgi()`",
    rationale=(
        "Since Channels 3 a route must point at an ASGI application, which `Consumer.as_asgi()` builds. The bare "
        "class fails on the first connection: `TypeError: object ... can't be used in 'await' expression`. "
        "Channels 2 had no `as_asgi()`: its URLRouter routes the class itself, so the rule reads the Channels "
        "release and is silent before 3.0 (knowledge/channels_api.py AS_ASGI)."
    ),
    fix="route `{consumer}.as_asgi()`",
    known_problems=(
        "What it cannot see: the installed release. It reads the range the dependency files allow; when that "
        "range decides nothing (no pin, `channels>=2.0`), it reports only if other code needs Channels 3 or later "
        '(`as_asgi()` on another route, `"http": get_asgi_application()` in the router, `"daphne"` in '
        "INSTALLED_APPS). A project with neither a pin nor such code is not reported: bare classes are exactly "
        "how Channels 2 projects route."
    ),
    how_to_fix='Route the consumer\'s ASGI application: `path("ws/chat/", ChatConsumer.as_asgi())`, not the class.',
    gates=Gates(channels=">=3.0"),
    links=(
        "https://channels.readthedocs.io/en/stable/releases/3.0.0.html",
        "https://channels.readthedocs.io/en/stable/topics/routing.html",
    ),
    examples=[
        Invalid(
            channels_example(
                routing="""
                from django.urls import path

                from .consumers import ChatConsumer

                websocket_urlpatterns = [path("ws/chat/", ChatConsumer)]  # expect: DPL305
                """
            ),
            note='no pin, but the router\'s "http" is get_asgi_application(): Channels ≥ 3',
        ),
        Invalid(
            CHANNELS_2
            | {
                "requirements.txt": "Django==4.2\nchannels==4.0.0\n",
                "app/routing.py": """
                    from django.urls import path

                    from .consumers import ChatConsumer

                    websocket_urlpatterns = [path("ws/chat/", ChatConsumer)]  # expect: DPL305
                """,
            },
            note="a Channels 2 shape with Channels 4 pinned",
        ),
        Valid(channels_example(), id="a consumer routed with as_asgi()"),
        Valid(CHANNELS_2, note="Channels 2 routes consumer classes: there is no as_asgi()"),
    ],
)

LAYER_CONSUMERS = """
from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncWebsocketConsumer, WebsocketConsumer


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add("chat", self.channel_name)  # expect: DPL306
        await self.accept()


class LobbyConsumer(WebsocketConsumer):  # expect: DPL306
    groups = ["lobby"]


class RoomConsumer(WebsocketConsumer):
    def connect(self):
        async_to_sync(self.channel_layer.group_add)("room", self.channel_name)  # expect: DPL306
        self.accept()
"""
LAYER_TASKS = """
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def announce(text):
    async_to_sync(get_channel_layer().group_send)("chat", {"type": "chat.message", "text": text})  # expect: DPL306


def announce_from_a_view(text):
    channel_layer = get_channel_layer()
    async_to_sync(channel_layer.group_send)("chat", {"type": "chat.message", "text": text})  # expect: DPL306


async def announce_later(text):
    layer = get_channel_layer()
    await layer.group_send("chat", {"type": "chat.message", "text": text})  # expect: DPL306
"""
IN_MEMORY = 'CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}\n'

LAYER_MISSING = Rule(
    code="DPL306",
    slug="channel-layer-use-without-channel-layers",
    severity="error",
    summary="Code uses the channel layer but the settings define no `CHANNEL_LAYERS`",
    message="{what} needs a channel layer, but {settings} defines no CHANNEL_LAYERS: the layer is None and {outcome}",
    rationale=(
        "Without a `CHANNEL_LAYERS` entry for the alias, `get_channel_layer()` returns None and so does a "
        "consumer's `self.channel_layer`. `channel_layer.group_send(...)`, `group_add`, `send` then raise "
        "`AttributeError: 'NoneType' object has no attribute 'group_send'`, and a websocket consumer with "
        "`groups = [...]` refuses every connection with `InvalidChannelLayerError`. Reported only when the "
        "settings module the deployment runs with was read completely and nothing else in the project can set "
        "`CHANNEL_LAYERS` (another settings module, a star import we cannot follow, a conditional or "
        "environment-dependent value, `settings.configure()`, django-split-settings): otherwise silent."
    ),
    fix='configure a layer: `CHANNEL_LAYERS = {{"default": {{"BACKEND": "channels_redis.core.RedisChannelLayer", '
    '"CONFIG": {{"hosts": [("127.0.0.1", 6379)]}}}}}}`',
    known_problems=(
        "A use guarded by `if layer is not None:` is still reported (the send never happens either way). "
        "A layer passed around (a parameter, an attribute of another object) is not followed."
    ),
    links=("https://channels.readthedocs.io/en/stable/topics/channel_layers.html",),
    examples=[
        Invalid(
            channels_example(consumers=LAYER_CONSUMERS) | {"app/tasks.py": LAYER_TASKS},
            id="group_add, groups and get_channel_layer() used without CHANNEL_LAYERS",
        ),
        Valid(
            channels_example(consumers=LAYER_CONSUMERS.replace("  # expect: DPL306", ""), settings=IN_MEMORY)
            | {"app/tasks.py": LAYER_TASKS.replace("  # expect: DPL306", "")},
            note="CHANNEL_LAYERS is configured",
        ),
        Valid(
            channels_example(
                consumers=LAYER_CONSUMERS.replace("  # expect: DPL306", ""),
                settings="from .local import *\n",
            ),
            note="a star import we cannot follow may define CHANNEL_LAYERS",
        ),
        Valid(
            channels_example(
                consumers=LAYER_CONSUMERS.replace("  # expect: DPL306", ""),
                settings='import os\nif os.environ.get("REDIS_URL"):\n    ' + IN_MEMORY,
            ),
            note="CHANNEL_LAYERS set only under a condition: uncertain, so silent",
        ),
        Valid(channels_example(), note="consumers that never touch the layer work without one"),
        Valid(
            channels_example()
            | {
                "app/tasks.py": """
                from asgiref.sync import async_to_sync

                from .client import Client


                def refresh(client: Client):
                    async_to_sync(client.send)("refresh")
            """
            },
            note="async_to_sync around something that is not the channel layer",
        ),
    ],
)


def _span(line: int) -> Span:
    return Span(line, 0, line, 0)


@check(ROUTER_WITHOUT_HTTP, MISSING_ORIGIN_VALIDATOR, EARLY_MODEL_IMPORT, BARE_CONSUMER)
def asgi_applications(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        release = model.channels_release(project)
        for app in project.asgi_applications:
            unserved = _served_instead(model, project, app)
            found = _application_findings(project, app, release)
            if unserved is None:
                yield from found
                continue
            # A stale entry point beside the one every server runs (django-backend-youtube's default asgi.py
            # beside its route.py): true of the file, but it breaks nothing until someone serves it.
            for finding in found:
                yield replace(finding, severity="info", message=f"{finding.message}; {unserved}")


def _served_instead(model: ProjectModel, project: DjangoProject, app: AsgiApplication) -> str | None:
    """Why nothing serves `app`, or None: every production server runs another ASGI module of the project, and
    ASGI_APPLICATION (what daphne's runserver and Channels' tooling serve) names that other module too."""
    verdict = model.verdicts.get(project.root)
    if verdict is None or verdict.declared_server is not None or not verdict.servers:
        return None
    served = {(deployment.command.app or "").partition(":")[0] for deployment in verdict.servers}
    ours = {other.module for other in project.asgi_applications}
    if app.module in served or not served <= ours:
        return None
    setting = project.primary.get("ASGI_APPLICATION") if project.primary else None
    if setting is None or setting.uncertain or not isinstance(setting.value, str):
        return None
    named = setting.value.rpartition(".")[0]
    if named == app.module or named not in served:
        return None
    first = verdict.servers[0]
    return (
        f"nothing serves {app.path}: {first.command.server} runs `{first.command.app}` ({first.path}:{first.line}) "
        f"and ASGI_APPLICATION names `{setting.value}`"
    )


def _application_findings(project: DjangoProject, app: AsgiApplication, release: ChannelsRelease) -> Iterator[Finding]:
    if app.kind == "router" and "http" not in app.protocols:
        yield from _router_without_http(app, release)
    if app.websocket_routes and not app.origin_validated and not app.custom_wrappers:
        yield MISSING_ORIGIN_VALIDATOR.finding(app.path, app.websocket_entry or _span(app.line), file=app.path,
                                               help=_origin_validator_help(project))  # fmt: skip
    for module, line in app.early_model_imports:
        yield EARLY_MODEL_IMPORT.finding(app.path, _span(line), module=module, setup_line=app.setup_line,
                                         via="")  # fmt: skip
    yield from _early_release_imports(app, release)
    # Before 3.0 URLRouter takes the consumer class itself; with no sign of the release, stay silent.
    if release.at_least(channels_api.AS_ASGI.release):
        for route in app.websocket_routes:
            if not route.as_asgi:
                yield BARE_CONSUMER.finding(route.path, _span(route.line), consumer=route.text,
                                            release=release.why(channels_api.AS_ASGI.release))  # fmt: skip


def _origin_validator_help(project: DjangoProject) -> str | None:
    """With `"*"` in ALLOWED_HOSTS, `AllowedHostsOriginValidator` accepts every origin (and a handshake without
    one): `OriginValidator.valid_origin` lets `"*"` match anything (channels/security/websocket.py, 3.0 to 4.3.2).
    Then only `OriginValidator` with the site's own origins helps. None: the declared advice holds."""
    wildcard = [
        module.reference.module
        for module in project.settings
        if not module.runs_only_tests
        and (hosts := module.get("ALLOWED_HOSTS")) is not None
        and isinstance(hosts.value, (list, tuple))
        and "*" in hosts.value
    ]
    if not wildcard:
        return None
    return (
        f"ALLOWED_HOSTS contains '*' in {', '.join(wildcard)}, so `AllowedHostsOriginValidator` would accept any "
        "origin: wrap the websocket app in `OriginValidator(AuthMiddlewareStack(URLRouter(...)), "
        '["https://example.com"])` with your site\'s own origins'
    )


def _early_release_imports(app: AsgiApplication, release: ChannelsRelease) -> Iterator[Finding]:
    """`channels.auth` (directly, or through the project's routing and consumers) loads models only before
    Channels 3.0.4: reported when the project is on such a release, silent when its release is open."""
    reported: set[int] = set()
    for module, line, channels_module, first_fixed in app.early_release_imports:
        if line in reported or release.at_least(first_fixed) is not False:
            continue
        reported.add(line)
        through = "" if module == channels_module else f" through `{channels_module}`"
        yield EARLY_MODEL_IMPORT.finding(
            app.path, _span(line), module=module, setup_line=app.setup_line,
            via=f"{through} on Channels < {first_fixed} ({release.why(first_fixed)}), where `{channels_module}` "
            "imports a model at module level",
            help=f"import it after `get_asgi_application()`, or upgrade Channels to {first_fixed} or later",
        )  # fmt: skip


def _router_without_http(app: AsgiApplication, release: ChannelsRelease) -> Iterator[Finding]:
    """Before 4.0 the router fills in "http" itself: silent there. Written for 3.0 or later but not pinned on
    either side of 4.0, it fails on a fresh install (4.x) and warns on 3.x: `info`, saying so."""
    change = channels_api.ROUTER_ADDS_HTTP
    protocols = ", ".join(f'"{p}"' for p in app.protocols) or "nothing"
    since = release.at_least(change.release)
    if since:
        yield ROUTER_WITHOUT_HTTP.finding(
            app.path, _span(app.line), file=app.path, protocols=protocols, consequence="every HTTP request fails",
            release=f"Channels ≥ {change.release} here: {release.why(change.release)}",
        )  # fmt: skip
    elif since is None and release.at_least(channels_api.AS_ASGI.release):
        finding = ROUTER_WITHOUT_HTTP.finding(
            app.path, _span(app.line), file=app.path, protocols=protocols,
            consequence=f"every HTTP request fails from Channels {change.release} on (3.x adds it, with a "
            "DeprecationWarning)",
            release=f"release open: {release.why(change.release)}; code for ≥ {channels_api.AS_ASGI.release}: "
            f"{release.why(channels_api.AS_ASGI.release)}",
        )  # fmt: skip
        yield replace(finding, severity="info")


@check(IN_MEMORY_LAYER)
def in_memory_layer(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        # Test settings do not count: the in-memory layer is what Channels' docs recommend for tests (one process).
        primary = next((m for m in project.settings if m.facts is not None and not m.runs_only_tests), None)
        if primary is None:
            continue
        layers = primary.get("CHANNEL_LAYERS")
        if layers is None or not isinstance(layers.value, dict) or not _uses_channels(project, model):
            continue
        for layer in layers.value.values():
            if isinstance(layer, dict) and layer.get("BACKEND") == channels_api.IN_MEMORY_LAYER:
                yield IN_MEMORY_LAYER.finding(
                    layers.path, _backend_span(model, layers.path, layers.line) or _span(layers.line),
                    settings=primary.reference.module,
                )  # fmt: skip
                break


def _uses_channels(project: DjangoProject, model: ProjectModel) -> bool:
    """The project runs Channels: `channels` installed as an app, a ProtocolTypeRouter, a consumer or a use of the
    channel layer. A CHANNEL_LAYERS setting left in a project that dropped Channels configures nothing that runs."""
    apps = project.primary.value("INSTALLED_APPS") if project.primary else None
    if isinstance(apps, (list, tuple)) and any(
        str(app) == "channels" or str(app).startswith("channels.") for app in apps
    ):
        return True
    if any(app.kind == "router" for app in project.asgi_applications):
        return True
    if any(model.root_of(path) == project.root for path, _ in model.consumers):
        return True
    return bool(layer_uses(project, model))


def _backend_span(model: ProjectModel, path: str, line: int) -> Span | None:
    """The `"BACKEND": "...InMemoryChannelLayer"` value in the assignment at `line`, when written there."""
    facts = model.file(path)
    for statement in facts.statements if facts is not None else ():
        value = getattr(statement, "value", None)  # a star import has none
        if getattr(statement, "line", None) != line or not isinstance(value, static.Mapping):
            continue
        for _, layer in value.items:
            if isinstance(layer, static.Mapping) and (entry := layer.position_of("BACKEND")) is not None:
                backend = dict(layer.items).get(static.Literal("BACKEND"))
                if isinstance(backend, static.Literal) and backend.value == channels_api.IN_MEMORY_LAYER:
                    return Span(entry[2], entry[3], entry[2], entry[3])
    return None


@check(LAYER_MISSING)
def channel_layer_missing(model: ProjectModel) -> Iterator[Finding]:
    for project in model.django_projects:
        settings = settings_without_layer(project, model)
        if settings is None:
            continue
        for use in layer_uses(project, model):
            yield LAYER_MISSING.finding(use.path, use.span, what=use.what, settings=settings.reference.module,
                                        outcome=use.outcome)  # fmt: skip
