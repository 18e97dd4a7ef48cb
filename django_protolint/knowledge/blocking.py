"""Which calls block the event loop, and what to use instead. One row a call; each row names where we learnt it.

Peers this table is a superset of (see ../shared/facts.md section 9): flake8-async ASYNC210-251
(`flake8_async/visitors/visitor2xx.py` and its eval files), ruff's port of those rules, SonarQube Python
S7487/S7488/S7489/S7493/S7499/S7501, and blockbuster's runtime list. Everything else is from the library's
own documentation ("python docs", "redis-py docs", ...).

Deliberately absent (flake8-async and we treat them as non-blocking): pure path arithmetic such as
`os.path.join` / `os.path.abspath` (see `_KNOWN_PURE`). Django ORM, auth and shortcut functions live in
`django_api.py`, not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django_protolint.knowledge import django_services as _services

CATEGORIES = (
    "sleep", "http", "subprocess", "file", "filesystem", "input", "socket", "cache", "mail", "database", "cloud",
)  # fmt: skip


@dataclass(frozen=True)
class BlockingCall:
    qualname: str  # fully qualified; "<Class qualname>.<method>" for instance methods; trailing "*" = prefix pattern
    category: str  # one of CATEGORIES
    alternative: str  # short fix hint in markdown
    source: str  # where we learnt it


_rows: list[BlockingCall] = []


def _add(category: str, source: str, alternative: str, *qualnames: str) -> None:
    for qualname in qualnames:
        _rows.append(BlockingCall(qualname, category, alternative, source))


def _methods(classes: tuple[str, ...], methods: tuple[str, ...], category: str, source: str, alternative: str) -> None:
    for cls in classes:
        _add(category, source, alternative, *(f"{cls}.{method}" for method in methods))


# Sources, spelled once.
_FLAKE8_ASYNC = "flake8-async"
_RUFF = "ruff"
_SONAR = "Sonar"
_BLOCKBUSTER = "blockbuster"
_PYDOCS = "python docs"

# --------------------------------------------------------------------------------------------- sleep / waits
_add("sleep", f"{_FLAKE8_ASYNC} ASYNC251, {_RUFF} ASYNC251, {_SONAR} S7488, {_BLOCKBUSTER}",
     "use `await asyncio.sleep(...)`",
     "time.sleep")  # fmt: skip

_LOCK_HINT = "use `asyncio.Lock` / `asyncio.Semaphore` (`async with lock:`), or `await asyncio.to_thread(...)`"
_add("sleep", _BLOCKBUSTER, _LOCK_HINT, "threading.Lock.acquire", "threading.Lock.acquire_lock")
_add(
    "sleep",
    _PYDOCS,
    _LOCK_HINT,
    "threading.RLock.acquire",
    "threading.Semaphore.acquire",
    "threading.BoundedSemaphore.acquire",
)
_add(
    "sleep",
    _PYDOCS,
    "use the `asyncio` twin (`asyncio.Event`, `asyncio.Condition`, `asyncio.Barrier`) or `asyncio.to_thread`",
    "threading.Event.wait",
    "threading.Condition.wait",
    "threading.Condition.wait_for",
    "threading.Barrier.wait",
)
_add("sleep", _PYDOCS, "use `await asyncio.to_thread(thread.join)`", "threading.Thread.join")
_add(
    "sleep",
    _PYDOCS,
    "use `asyncio.Queue` (`await q.get()` / `await q.put(...)`) or `await asyncio.to_thread(...)`",
    "queue.Queue.get",
    "queue.Queue.put",
    "queue.Queue.join",
)
_add(
    "sleep",
    _PYDOCS,
    "use `await asyncio.wrap_future(fut)`; from inside the loop, `run_coroutine_threadsafe(...).result()` deadlocks",
    "concurrent.futures.Future.result",
    "concurrent.futures.Future.exception",
)
_add(
    "sleep",
    _PYDOCS,
    "use `await asyncio.wait([asyncio.wrap_future(f) for f in fs])`",
    "concurrent.futures.wait",
    "concurrent.futures.as_completed",
)

# ---------------------------------------------------------------------------------------------------- input
_add(
    "input",
    f"{_FLAKE8_ASYNC} ASYNC250, {_RUFF} ASYNC250, {_SONAR} S7501, {_BLOCKBUSTER}",
    "use `await asyncio.to_thread(input, ...)`",
    "builtins.input",
)
_add(
    "input",
    _PYDOCS,
    "use `await asyncio.to_thread(...)` (or `loop.connect_read_pipe` for a stream)",
    "getpass.getpass",
    "sys.stdin.read",
    "sys.stdin.readline",
    "sys.stdin.readlines",
)

# ----------------------------------------------------------------------------------------------------- http
_HTTP_VERBS = ("get", "options", "head", "post", "put", "patch", "delete")
_ASYNC_HTTP = "use `httpx.AsyncClient` (or `aiohttp.ClientSession`)"

_add(
    "http",
    f"{_FLAKE8_ASYNC} ASYNC210, {_RUFF} ASYNC210, {_SONAR} S7499",
    _ASYNC_HTTP,
    *(f"requests.{v}" for v in _HTTP_VERBS),
)
_add("http", f"{_FLAKE8_ASYNC} ASYNC210", _ASYNC_HTTP, "requests.request")
_add("http", "requests docs (re-exported as `requests.<verb>`)", _ASYNC_HTTP,
     *(f"requests.api.{v}" for v in (*_HTTP_VERBS, "request")))  # fmt: skip
_add(
    "http",
    f"{_FLAKE8_ASYNC} ASYNC210, {_RUFF} ASYNC210, {_SONAR} S7499",
    _ASYNC_HTTP,
    *(f"httpx.{v}" for v in _HTTP_VERBS),
)
_add("http", f"{_FLAKE8_ASYNC} ASYNC210", _ASYNC_HTTP, "httpx.request")
_add("http", "httpx docs", _ASYNC_HTTP, "httpx.stream")
# httpx2 continues the unmaintained httpx; flake8-async 26.6.1 detects it (ASYNC210-212) and recommends its client.
_ASYNC_HTTPX2 = "use `httpx2.AsyncClient` (`async with httpx2.AsyncClient() as client: await client.get(...)`)"
_add("http", f"{_FLAKE8_ASYNC} ASYNC210 (26.6.1)", _ASYNC_HTTPX2, *(f"httpx2.{v}" for v in (*_HTTP_VERBS, "request")))
_add("http", "httpx2 docs", _ASYNC_HTTPX2, "httpx2.stream")
_add("http", f"{_FLAKE8_ASYNC} ASYNC210, {_RUFF} ASYNC210", _ASYNC_HTTP, "urllib.request.urlopen", "urllib3.request")
_add("http", _PYDOCS, _ASYNC_HTTP, "urllib.request.urlretrieve", "urllib.request.OpenerDirector.open")
# Un-imported names are kept as written (a star import, or code that never ran): flake8-async matches these too.
_add("http", f"{_FLAKE8_ASYNC} ASYNC210 (names as written)", _ASYNC_HTTP, "urlopen", "request.urlopen")

# Clients whose listed methods do network I/O.
_HTTPX_CLIENT_METHODS = (
    "close", "delete", "get", "head", "options", "patch", "post", "put", "request", "send", "stream",
)  # fmt: skip
_methods(("httpx.Client",), _HTTPX_CLIENT_METHODS, "http", f"{_FLAKE8_ASYNC} ASYNC212, {_RUFF} ASYNC212",
         "use `httpx.AsyncClient` and `await client.<method>(...)`")  # fmt: skip
_methods(("httpx2.Client",), _HTTPX_CLIENT_METHODS, "http", f"{_FLAKE8_ASYNC} ASYNC212 (26.6.1)",
         "use `httpx2.AsyncClient` and `await client.<method>(...)`")  # fmt: skip
_methods(("requests.Session", "requests.sessions.Session"), (*_HTTP_VERBS, "request", "send"), "http",
         f"{_SONAR} S7499", _ASYNC_HTTP)  # fmt: skip
# urllib3 pools: every method call counts (flake8-async ASYNC212 treats them all as blocking).
_URLLIB3_CLASSES = (
    "urllib3.HTTPConnectionPool",
    "urllib3.HTTPSConnectionPool",
    "urllib3.PoolManager",
    "urllib3.ProxyManager",
    "urllib3.connectionpool.ConnectionPool",
    "urllib3.connectionpool.HTTPConnectionPool",
    "urllib3.connectionpool.HTTPSConnectionPool",
    "urllib3.poolmanager.PoolManager",
    "urllib3.poolmanager.ProxyManager",
    "urllib3.request.RequestMethods",
)
_add("http", f"{_FLAKE8_ASYNC} ASYNC211/ASYNC212, {_SONAR} S7499 (`PoolManager().request`)", _ASYNC_HTTP,
     *(f"{cls}.*" for cls in _URLLIB3_CLASSES))  # fmt: skip
_methods(("http.client.HTTPConnection", "http.client.HTTPSConnection"),
         ("connect", "request", "getresponse", "send", "endheaders"), "http", _PYDOCS, _ASYNC_HTTP)  # fmt: skip
_methods(("http.client.HTTPResponse",), ("read", "read1", "readinto", "readline", "readlines"), "http", _PYDOCS,
         "read the body with an async client (`httpx.AsyncClient`)")  # fmt: skip

# ----------------------------------------------------------------------------------------------- subprocess
_SPAWN_HINT = "use `await asyncio.create_subprocess_exec(...)` / `create_subprocess_shell(...)`"
_add(
    "subprocess",
    f"{_FLAKE8_ASYNC} ASYNC220, {_RUFF} ASYNC220, {_SONAR} S7487",
    _SPAWN_HINT,
    "subprocess.Popen",
    "os.popen",
)
_add(
    "subprocess",
    f"{_FLAKE8_ASYNC} ASYNC221, {_RUFF} ASYNC221, {_SONAR} S7487",
    _SPAWN_HINT + ", then `await proc.communicate()`",
    *(f"subprocess.{name}" for name in ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput")),
    "os.system",
)
_add("subprocess", f"{_FLAKE8_ASYNC} ASYNC221, {_RUFF} ASYNC221", _SPAWN_HINT, "os.posix_spawn", "os.posix_spawnp")
# os.spawn*: ASYNC221 with P_WAIT (or no mode), ASYNC220 otherwise; for us one category either way.
_add("subprocess", f"{_FLAKE8_ASYNC} ASYNC220/ASYNC221, {_RUFF} ASYNC220/ASYNC221, {_SONAR} S7487", _SPAWN_HINT,
     *(f"os.spawn{suffix}" for suffix in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")))  # fmt: skip
_add(
    "subprocess",
    f"{_FLAKE8_ASYNC} ASYNC222, {_RUFF} ASYNC222, {_SONAR} S7489",
    "use `asyncio.create_subprocess_*` and `await proc.wait()`, or `loop.run_in_executor(None, os.waitpid, ...)`",
    *(f"os.{name}" for name in ("wait", "wait3", "wait4", "waitid", "waitpid")),
)
_methods(("subprocess.Popen",), ("wait", "communicate"), "subprocess", _PYDOCS,
         "use `asyncio.create_subprocess_exec(...)`, then `await proc.wait()` / `proc.communicate()`")  # fmt: skip

# ----------------------------------------------------------------------------------------------------- file
_OPEN_HINT = "use `aiofiles.open(...)` / `await anyio.open_file(...)`, or do the file work in `asyncio.to_thread`"
_add("file", f"{_FLAKE8_ASYNC} ASYNC230, {_RUFF} ASYNC230, {_SONAR} S7493", _OPEN_HINT, "builtins.open", "io.open")
_add("file", f"{_FLAKE8_ASYNC} ASYNC230, {_RUFF} ASYNC230", _OPEN_HINT, "io.open_code")
_add("file", f"{_FLAKE8_ASYNC} ASYNC231, {_SONAR} S7493",
     "wrap the file with `anyio.wrap_file(...)` / aiofiles, or use `asyncio.to_thread`", "os.fdopen")  # fmt: skip
_add("file", f"{_SONAR} S7493", _OPEN_HINT, "os.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open",
     "tempfile.TemporaryFile", "tempfile.NamedTemporaryFile")  # fmt: skip
# Not tempfile.SpooledTemporaryFile: it is an io.BytesIO (or StringIO) until a write passes `max_size`, and never
# rolls over with the default max_size=0 (CPython Lib/tempfile.py `SpooledTemporaryFile._check`: `if max_size and
# file.tell() > max_size: self.rollover()`); whether it touches the disk is not known statically.
_add("file", _BLOCKBUSTER, "use `await asyncio.to_thread(os.read, ...)` (or `loop.connect_read_pipe`)", "os.read")
_add("file", _BLOCKBUSTER, "use `await asyncio.to_thread(os.write, ...)` (or `loop.connect_write_pipe`)", "os.write")
_add("file", _BLOCKBUSTER, "use `await loop.sendfile(transport, file)` / `loop.sock_sendfile(...)`", "os.sendfile")
_add("file", _PYDOCS, "use `await asyncio.to_thread(...)`", "os.fsync", "os.fdatasync", "shutil.copyfileobj")
# File objects: every method call counts (flake8-async ASYNC232), except the few in _WILDCARD_EXEMPT.
_FILE_OBJECT_HINT = "wrap the file object (`anyio.wrap_file(f)` / aiofiles) or move the I/O into `asyncio.to_thread`"
_add("file", f"{_FLAKE8_ASYNC} ASYNC232, {_BLOCKBUSTER} (read/write)", _FILE_OBJECT_HINT,
     "io.TextIOWrapper.*", "io.BufferedReader.*", "io.BufferedWriter.*", "io.BufferedRandom.*")  # fmt: skip
_add("file", _PYDOCS, _FILE_OBJECT_HINT, "io.FileIO.*", "gzip.GzipFile.*", "bz2.BZ2File.*", "lzma.LZMAFile.*",
     "codecs.StreamReaderWriter.*")  # fmt: skip
_PATH_FILE_HINT = "use `await anyio.Path(p).<method>(...)` / aiofiles, or `await asyncio.to_thread(p.<method>, ...)`"
_methods(("pathlib.Path",), ("read_text", "read_bytes", "write_text", "write_bytes"), "file",
         f"{_RUFF} ASYNC240 (stable since 0.15.0)", _PATH_FILE_HINT)  # fmt: skip
_methods(("pathlib.Path",), ("open",), "file", f"{_RUFF} ASYNC230", _OPEN_HINT)

# ----------------------------------------------------------------------------------------------- filesystem
_OS_PATH_HINT = "use `await anyio.Path(p).<query>()` / `aiofiles.os.path.*`, or `await asyncio.to_thread(...)`"
_add(
    "filesystem",
    f"{_FLAKE8_ASYNC} ASYNC240, {_RUFF} ASYNC240",
    _OS_PATH_HINT,
    *(
        f"os.path.{name}"
        for name in (
            "exists", "lexists", "isdir", "isfile", "islink", "ismount", "realpath", "relpath", "getatime",
            "getctime", "getmtime", "getsize", "samefile", "sameopenfile",
        )
    ),
)  # fmt: skip
_add("filesystem", f"{_FLAKE8_ASYNC} ASYNC240", _OS_PATH_HINT, "os.path._joinrealpath")
# Pure string operations, but flake8-async flags them (it prefers Path objects); kept for parity.
_PURE_PARITY_HINT = "a pure string operation, flagged for flake8-async parity: use `pathlib.PurePath` or `anyio.Path`"
_add("filesystem", f"{_FLAKE8_ASYNC} ASYNC240, {_RUFF} ASYNC240", _PURE_PARITY_HINT, "os.path.normpath")  # fmt: skip
_add("filesystem", f"{_FLAKE8_ASYNC} ASYNC240", _PURE_PARITY_HINT, "os.path._path_normpath")  # fmt: skip
_add("filesystem", f"{_RUFF} ASYNC240", _OS_PATH_HINT, "os.path.isjunction", "os.path.isdevdrive")
_OS_FS_HINT = "use `aiofiles.os.*` / `anyio.Path`, or `await asyncio.to_thread(...)`"
_add("filesystem", _BLOCKBUSTER, _OS_FS_HINT,
     *(f"os.{name}" for name in ("getcwd", "statvfs", "rename", "remove", "unlink", "mkdir", "rmdir", "link", "symlink",
                                 "readlink", "listdir", "scandir", "access", "stat", "replace")))  # fmt: skip
_add("filesystem", _PYDOCS, _OS_FS_HINT,
     *(f"os.{name}" for name in ("lstat", "makedirs", "removedirs", "renames", "walk", "chmod", "chown", "lchown",
                                 "truncate", "utime")))  # fmt: skip
_add("filesystem", _PYDOCS, "use `await asyncio.to_thread(...)`",
     *(f"shutil.{name}" for name in ("copy", "copy2", "copyfile", "copytree", "copymode", "copystat", "rmtree", "move",
                                     "disk_usage", "make_archive", "unpack_archive", "chown", "which")),
     "glob.glob", "glob.iglob", "tempfile.mkstemp", "tempfile.mkdtemp", "tempfile.TemporaryDirectory")  # fmt: skip
_methods(
    ("pathlib.Path",),
    (
        "touch", "exists", "is_dir", "is_file", "is_symlink", "is_mount", "is_socket", "is_fifo", "is_block_device",
        "is_char_device", "is_junction", "stat", "lstat", "owner", "group", "chmod", "lchmod", "mkdir", "rmdir",
        "unlink", "rename", "replace", "iterdir", "glob", "rglob", "walk", "resolve", "samefile", "readlink",
        "symlink_to", "hardlink_to", "link_to", "copy", "copy_into", "move", "move_into", "cwd",
    ),
    "filesystem",
    f"{_RUFF} ASYNC240 (stable since 0.15.0)",
    _PATH_FILE_HINT,
)  # fmt: skip

# --------------------------------------------------------------------------------------------------- socket
_SOCK_HINT = "use `asyncio.open_connection(...)` streams, or `await loop.sock_<op>(sock, ...)`"
_methods(("socket.socket",), ("connect", "accept", "send", "sendall", "sendto", "recv", "recv_into", "recvfrom",
                              "recvfrom_into", "recvmsg"), "socket", _BLOCKBUSTER, _SOCK_HINT)  # fmt: skip
_methods(("socket.socket",), ("connect_ex", "recvmsg_into", "sendmsg", "sendfile"), "socket", _PYDOCS, _SOCK_HINT)
_methods(("ssl.SSLSocket",), ("read", "write", "send", "recv"), "socket", _BLOCKBUSTER,
         "use `asyncio.open_connection(..., ssl=ctx)` streams")  # fmt: skip
_methods(("ssl.SSLSocket",), ("sendall", "recv_into", "do_handshake", "connect", "connect_ex", "accept", "unwrap"),
         "socket", _PYDOCS, "use `asyncio.open_connection(..., ssl=ctx)` streams")  # fmt: skip
_add("socket", _PYDOCS, "use `asyncio.open_connection(..., ssl=ctx)` (the handshake runs in the loop)",
     "ssl.SSLContext.wrap_socket")  # fmt: skip
_add("socket", _PYDOCS, "use `await asyncio.open_connection(host, port)`", "socket.create_connection")
_add("socket", _PYDOCS, "use `await loop.getaddrinfo(...)` / `await loop.getnameinfo(...)`",
     "socket.getaddrinfo", "socket.getnameinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
     "socket.gethostbyaddr", "socket.getfqdn")  # fmt: skip
_add("socket", _PYDOCS, "use the event loop (`loop.add_reader`, streams) instead of `select`", "select.select")

# ---------------------------------------------------------------------------------------------------- cache
_REDIS_HINT = "use `redis.asyncio.Redis` and `await` the command"
_REDIS_CLIENTS = (
    "redis.Redis",
    "redis.StrictRedis",
    "redis.client.Redis",
    "redis.client.StrictRedis",
    "redis.RedisCluster",
    "redis.cluster.RedisCluster",
)
# Every command method sends a request and waits for the reply; _WILDCARD_EXEMPT lists the local helpers.
_add("cache", "redis-py docs", _REDIS_HINT, *(f"{cls}.*" for cls in _REDIS_CLIENTS))
_methods(("redis.client.Pipeline",), ("execute", "watch", "unwatch"), "cache", "redis-py docs",
         "use `redis.asyncio` pipelines: `await pipe.execute()`")  # fmt: skip
_methods(("redis.client.PubSub",), ("subscribe", "psubscribe", "unsubscribe", "punsubscribe", "get_message", "listen",
                                    "ping"), "cache", "redis-py docs", "use `redis.asyncio` pub/sub")  # fmt: skip
_methods(("redis.lock.Lock",), ("acquire", "release", "extend", "reacquire", "locked", "owned"), "cache",
         "redis-py docs", "use `redis.asyncio.lock.Lock`")  # fmt: skip
_MEMCACHE_HINT = "use an async memcached client (e.g. `aiomcache`) or `await asyncio.to_thread(...)`"
_add("cache", "pymemcache docs", _MEMCACHE_HINT,
     *(f"{cls}.*" for cls in ("pymemcache.Client", "pymemcache.PooledClient", "pymemcache.client.Client",
                              "pymemcache.client.PooledClient", "pymemcache.client.base.Client",
                              "pymemcache.client.base.PooledClient", "pymemcache.client.hash.HashClient",
                              "pymemcache.client.retrying.RetryingClient")))  # fmt: skip
_add("cache", "pylibmc docs", _MEMCACHE_HINT, "pylibmc.Client.*", "pylibmc.client.Client.*")
_add("cache", "python-memcached docs", _MEMCACHE_HINT, "memcache.Client.*")
# Django's cache API: every BaseCache method has an `a`-twin since Django 4.0 (facts.md section 2).
_DJANGO_CACHE_METHODS = ("add", "get", "set", "touch", "delete", "get_many", "get_or_set", "has_key", "incr", "decr",
                         "set_many", "delete_many", "clear", "incr_version", "decr_version", "close")  # fmt: skip
for _cls in ("django.core.cache.cache", "django.core.cache.backends.base.BaseCache"):
    for _m in _DJANGO_CACHE_METHODS:
        _add("cache", "django docs (cache a-methods, 4.0)", f"use `await cache.a{_m}(...)` (Django 4.0+)",
             f"{_cls}.{_m}")  # fmt: skip
del _cls, _m

# ----------------------------------------------------------------------------------------------------- mail
_DJANGO_MAIL_HINT = "Django has no async mail API: `await sync_to_async(<call>)(...)` or hand it to a task queue"
_add("mail", "django docs (no async mail API through 6.1)", _DJANGO_MAIL_HINT,
     "django.core.mail.send_mail", "django.core.mail.send_mass_mail", "django.core.mail.mail_admins",
     "django.core.mail.mail_managers")  # fmt: skip
_methods(("django.core.mail.EmailMessage", "django.core.mail.EmailMultiAlternatives",
          "django.core.mail.message.EmailMessage", "django.core.mail.message.EmailMultiAlternatives"),
         ("send",), "mail", "django docs", _DJANGO_MAIL_HINT)  # fmt: skip
_methods(("django.core.mail.backends.base.BaseEmailBackend", "django.core.mail.backends.smtp.EmailBackend"),
         ("open", "send_messages"), "mail", "django docs", _DJANGO_MAIL_HINT)  # fmt: skip
_SMTP_HINT = "use `aiosmtplib` (`await aiosmtplib.send(...)`)"
_SMTP_CLASSES = ("smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP")
_add("mail", f"{_PYDOCS} (connects when given a host)", _SMTP_HINT, *_SMTP_CLASSES)
_methods(_SMTP_CLASSES, ("connect", "helo", "ehlo", "ehlo_or_helo_if_needed", "starttls", "login", "auth", "sendmail",
                         "send_message", "mail", "rcpt", "data", "docmd", "noop", "rset", "verify", "quit"),
         "mail", _PYDOCS, _SMTP_HINT)  # fmt: skip

# ------------------------------------------------------------------------------------------------- database
_CURSOR_METHODS = ("execute", "executemany", "fetchone", "fetchmany", "fetchall")
_SQLITE_HINT = "use `aiosqlite`, or `await asyncio.to_thread(...)`"
_add("database", f"{_PYDOCS} (opens the file)", _SQLITE_HINT, "sqlite3.connect")
_methods(("sqlite3.Connection",), ("execute", "executemany", "executescript", "commit", "rollback"),
         "database", _BLOCKBUSTER,
         _SQLITE_HINT)  # fmt: skip
_methods(("sqlite3.Connection",), ("backup",), "database", _PYDOCS, _SQLITE_HINT)
_methods(("sqlite3.Cursor",), (*_CURSOR_METHODS, "executescript"), "database", _BLOCKBUSTER, _SQLITE_HINT)

_PG2_HINT = "use psycopg 3's `await psycopg.AsyncConnection.connect(...)` (or `asyncpg`)"
_add("database", "psycopg2 docs", _PG2_HINT, "psycopg2.connect")
_methods(("psycopg2.extensions.connection",), ("commit", "rollback"), "database", "psycopg2 docs", _PG2_HINT)
_methods(("psycopg2.extensions.cursor",), (*_CURSOR_METHODS, "callproc", "copy_from", "copy_to", "copy_expert"),
         "database", "psycopg2 docs", _PG2_HINT)  # fmt: skip

_PG3_HINT = "use `await psycopg.AsyncConnection.connect(...)` and `await cur.execute(...)`"
_add("database", "psycopg docs", _PG3_HINT, "psycopg.connect", "psycopg.Connection.connect")
_methods(("psycopg.Connection",), ("execute", "commit", "rollback"), "database", "psycopg docs", _PG3_HINT)
_methods(("psycopg.Cursor",), (*_CURSOR_METHODS, "copy", "stream"), "database", "psycopg docs", _PG3_HINT)

_MYSQL_HINT = "use `aiomysql` / `asyncmy`, or `await asyncio.to_thread(...)`"
_add("database", "PyMySQL docs", _MYSQL_HINT,
     "pymysql.connect", "pymysql.Connect", "pymysql.Connection", "pymysql.connections.Connection")  # fmt: skip
_methods(("pymysql.connections.Connection",), ("commit", "rollback", "ping", "select_db", "query"), "database",
         "PyMySQL docs", _MYSQL_HINT)  # fmt: skip
_methods(("pymysql.cursors.Cursor",), (*_CURSOR_METHODS, "callproc"), "database", "PyMySQL docs", _MYSQL_HINT)
_add("database", "mysqlclient docs", _MYSQL_HINT,
     "MySQLdb.connect", "MySQLdb.Connect", "MySQLdb.Connection", "MySQLdb.connections.Connection")  # fmt: skip
_methods(("MySQLdb.connections.Connection",), ("commit", "rollback", "ping", "select_db", "query"), "database",
         "mysqlclient docs", _MYSQL_HINT)  # fmt: skip
_methods(("MySQLdb.cursors.Cursor",), (*_CURSOR_METHODS, "callproc"), "database", "mysqlclient docs", _MYSQL_HINT)

# Raw SQL through Django: guarded by @async_unsafe, raises SynchronousOnlyOperation (facts.md section 1.5).
_DJANGO_RAW_HINT = "run the raw-SQL block in one sync function wrapped with `sync_to_async`"
_methods(("django.db.connection",), ("cursor", "ensure_connection", "commit", "rollback"), "database",
         "django source (`@async_unsafe`)", _DJANGO_RAW_HINT)  # fmt: skip
_methods(("django.db.backends.utils.CursorWrapper",), (*_CURSOR_METHODS, "callproc"), "database",
         "django source (`@async_unsafe`)", _DJANGO_RAW_HINT)  # fmt: skip

# ---------------------------------------------------------------------------------------------------- cloud
_BOTO_HINT = "use `aioboto3` / `aiobotocore`, or `await asyncio.to_thread(...)`"
# Building a client/resource loads service models from disk and resolves credentials (may hit the network).
_add("cloud", "boto3 docs", _BOTO_HINT, "boto3.client", "boto3.resource", "boto3.session.Session.client",
     "boto3.session.Session.resource", "botocore.session.Session.create_client")  # fmt: skip
# Every API call on a client is an HTTPS request; _WILDCARD_EXEMPT lists the local helpers.
_add("cloud", "boto3 docs", _BOTO_HINT, "boto3.Client.*", "boto3.Resource.*", "botocore.client.BaseClient.*")

# ------------------------------------------------------------------------------------------ django storage
# Storage has no async API through 6.1; which methods touch the disk is decided in django_services.py.
_methods(_services.STORAGE_OBJECTS, _services.STORAGE_FILE_METHODS, "file", _services.STORAGE_SOURCE,
         _services.STORAGE_HINT)  # fmt: skip
_methods(_services.STORAGE_OBJECTS, _services.STORAGE_FILESYSTEM_METHODS, "filesystem", _services.STORAGE_SOURCE,
         _services.STORAGE_HINT)  # fmt: skip

BLOCKING_CALLS: tuple[BlockingCall, ...] = tuple(_rows)

# File and filesystem work is the local disk's, microseconds (DPL114, and DPL131 for a chain ending there, report
# it at `info`), except through a storage object that STORAGES may make remote: `default_storage` and the static
# files' storage are S3 or GCS in many deployments (django-storages), where `exists()` is an HTTP request. Only
# FileSystemStorage is surely the disk.
LOCAL_FILE_CATEGORIES = frozenset({"file", "filesystem"})
_MAYBE_REMOTE_STORAGES = tuple(
    f"{name}." for name in _services.STORAGE_OBJECTS if not name.endswith(".FileSystemStorage")
)


def is_local_file_work(call: BlockingCall) -> bool:
    return call.category in LOCAL_FILE_CATEGORIES and not call.qualname.startswith(_MAYBE_REMOTE_STORAGES)


# What is a concrete `pathlib.Path` (CPython Lib/pathlib: `PurePath` and its flavours do no I/O, so they are never
# typed). `p / "x"` is a Path when `p` is one (`__truediv__`), and `"x" / p` too (`__rtruediv__`); so are `p.parent`
# and `p.parents[i]` (properties, not calls). The `pathlib.Path` rows above give the methods that touch the disk;
# `.name`, `.suffix`, `.with_suffix()`, `.joinpath()`, `str(p)` are pure (see `_KNOWN_PURE`).
PATH_TYPE = "pathlib.Path"
PATH_PROPERTIES = frozenset({"parent"})
PATH_SEQUENCE_PROPERTIES = frozenset({"parents"})
# `settings.BASE_DIR / "media"`: a path only when the settings module assigns the setting a Path
# (`BASE_DIR = Path(__file__).resolve().parent.parent`, Django's startproject template since 3.1); the per-file pass
# types it as the setting's own qualname and the project pass checks the settings.
SETTINGS_QUALNAME = "django.conf.settings"

# Classes whose *instances'* methods block, keyed by the callables that produce such instances
# (a class maps to itself; re-exported aliases map to the canonical name used in the method rows).
# Compressed-file objects read and write through the file object they wrap; over an in-memory buffer
# (`gzip.GzipFile(fileobj=io.BytesIO(data))`) no disk is touched, so they are no file objects for the rules.
WRAPPING_FILE_TYPES = frozenset({"gzip.GzipFile", "bz2.BZ2File", "lzma.LZMAFile"})
IN_MEMORY_BUFFERS = frozenset({"io.BytesIO", "io.StringIO"})

FACTORY_RETURNS: dict[str, str] = {
    # http
    "httpx.Client": "httpx.Client",
    "httpx2.Client": "httpx2.Client",
    "requests.Session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.sessions.Session": "requests.Session",
    "requests.sessions.session": "requests.Session",
    **{cls: cls for cls in _URLLIB3_CLASSES},
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib3.proxy_from_url": "urllib3.ProxyManager",
    "urllib3.poolmanager.proxy_from_url": "urllib3.ProxyManager",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    "urllib.request.OpenerDirector": "urllib.request.OpenerDirector",
    "urllib.request.urlopen": "http.client.HTTPResponse",
    "http.client.HTTPConnection": "http.client.HTTPConnection",
    "http.client.HTTPSConnection": "http.client.HTTPSConnection",
    "http.client.HTTPConnection.getresponse": "http.client.HTTPResponse",
    "http.client.HTTPSConnection.getresponse": "http.client.HTTPResponse",
    # subprocess
    "subprocess.Popen": "subprocess.Popen",
    # files
    "builtins.open": "io.TextIOWrapper",
    "io.open": "io.TextIOWrapper",
    "io.open_code": "io.BufferedReader",
    "os.fdopen": "io.TextIOWrapper",
    "io.TextIOWrapper": "io.TextIOWrapper",
    "io.BufferedReader": "io.BufferedReader",
    "io.BufferedWriter": "io.BufferedWriter",
    "io.BufferedRandom": "io.BufferedRandom",
    "io.FileIO": "io.FileIO",
    "pathlib.Path.open": "io.TextIOWrapper",
    "codecs.open": "codecs.StreamReaderWriter",
    "gzip.open": "gzip.GzipFile",
    "gzip.GzipFile": "gzip.GzipFile",
    "bz2.open": "bz2.BZ2File",
    "bz2.BZ2File": "bz2.BZ2File",
    "lzma.open": "lzma.LZMAFile",
    "lzma.LZMAFile": "lzma.LZMAFile",
    "tempfile.TemporaryFile": "io.BufferedRandom",
    "tempfile.NamedTemporaryFile": "io.BufferedRandom",
    # paths
    "pathlib.Path": "pathlib.Path",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "pathlib.Path.cwd": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "pathlib.Path.resolve": "pathlib.Path",
    "pathlib.Path.absolute": "pathlib.Path",
    "pathlib.Path.expanduser": "pathlib.Path",
    "pathlib.Path.joinpath": "pathlib.Path",
    "pathlib.Path.with_name": "pathlib.Path",
    "pathlib.Path.with_stem": "pathlib.Path",
    "pathlib.Path.with_suffix": "pathlib.Path",
    # sockets
    "socket.socket": "socket.socket",
    "socket.create_connection": "socket.socket",
    "socket.create_server": "socket.socket",
    "socket.fromfd": "socket.socket",
    "ssl.SSLSocket": "ssl.SSLSocket",
    "ssl.SSLContext": "ssl.SSLContext",
    "ssl.create_default_context": "ssl.SSLContext",
    "ssl.SSLContext.wrap_socket": "ssl.SSLSocket",
    # waits
    "threading.Lock": "threading.Lock",
    "threading.RLock": "threading.RLock",
    "threading.Semaphore": "threading.Semaphore",
    "threading.BoundedSemaphore": "threading.BoundedSemaphore",
    "threading.Event": "threading.Event",
    "threading.Condition": "threading.Condition",
    "threading.Barrier": "threading.Barrier",
    "threading.Thread": "threading.Thread",
    "queue.Queue": "queue.Queue",
    "queue.LifoQueue": "queue.Queue",
    "queue.PriorityQueue": "queue.Queue",
    "asyncio.run_coroutine_threadsafe": "concurrent.futures.Future",
    "concurrent.futures.ThreadPoolExecutor.submit": "concurrent.futures.Future",
    "concurrent.futures.ProcessPoolExecutor.submit": "concurrent.futures.Future",
    "concurrent.futures.Executor.submit": "concurrent.futures.Future",
    # redis
    "redis.from_url": "redis.Redis",
    "redis.utils.from_url": "redis.Redis",
    "redis.Redis": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "redis.StrictRedis.from_url": "redis.Redis",
    "redis.client.Redis": "redis.Redis",
    "redis.client.Redis.from_url": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.RedisCluster": "redis.RedisCluster",
    "redis.cluster.RedisCluster": "redis.RedisCluster",
    "redis.RedisCluster.from_url": "redis.RedisCluster",
    "redis.Sentinel.master_for": "redis.Redis",
    "redis.Sentinel.slave_for": "redis.Redis",
    "redis.sentinel.Sentinel.master_for": "redis.Redis",
    "redis.sentinel.Sentinel.slave_for": "redis.Redis",
    "django_redis.get_redis_connection": "redis.Redis",
    "redis.Redis.pipeline": "redis.client.Pipeline",
    "redis.client.Redis.pipeline": "redis.client.Pipeline",
    "redis.Redis.pubsub": "redis.client.PubSub",
    "redis.client.Redis.pubsub": "redis.client.PubSub",
    "redis.Redis.lock": "redis.lock.Lock",
    "redis.client.Redis.lock": "redis.lock.Lock",
    # memcached
    "pymemcache.Client": "pymemcache.Client",
    "pymemcache.PooledClient": "pymemcache.PooledClient",
    "pymemcache.client.Client": "pymemcache.Client",
    "pymemcache.client.PooledClient": "pymemcache.PooledClient",
    "pymemcache.client.base.Client": "pymemcache.Client",
    "pymemcache.client.base.PooledClient": "pymemcache.PooledClient",
    "pymemcache.client.hash.HashClient": "pymemcache.client.hash.HashClient",
    "pymemcache.client.retrying.RetryingClient": "pymemcache.client.retrying.RetryingClient",
    "pylibmc.Client": "pylibmc.Client",
    "pylibmc.client.Client": "pylibmc.Client",
    "memcache.Client": "memcache.Client",
    # mail
    "django.core.mail.EmailMessage": "django.core.mail.EmailMessage",
    "django.core.mail.EmailMultiAlternatives": "django.core.mail.EmailMultiAlternatives",
    "django.core.mail.message.EmailMessage": "django.core.mail.EmailMessage",
    "django.core.mail.message.EmailMultiAlternatives": "django.core.mail.EmailMultiAlternatives",
    "django.core.mail.get_connection": "django.core.mail.backends.base.BaseEmailBackend",
    "django.core.mail.backends.smtp.EmailBackend": "django.core.mail.backends.smtp.EmailBackend",
    "smtplib.SMTP": "smtplib.SMTP",
    "smtplib.SMTP_SSL": "smtplib.SMTP_SSL",
    "smtplib.LMTP": "smtplib.LMTP",
    # databases
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "sqlite3.Connection.executemany": "sqlite3.Cursor",
    "sqlite3.Connection.executescript": "sqlite3.Cursor",
    "psycopg2.connect": "psycopg2.extensions.connection",
    "psycopg2.extensions.connection.cursor": "psycopg2.extensions.cursor",
    "psycopg.connect": "psycopg.Connection",
    "psycopg.Connection.connect": "psycopg.Connection",
    "psycopg.Connection.cursor": "psycopg.Cursor",
    "psycopg.Connection.execute": "psycopg.Cursor",
    "pymysql.connect": "pymysql.connections.Connection",
    "pymysql.Connect": "pymysql.connections.Connection",
    "pymysql.Connection": "pymysql.connections.Connection",
    "pymysql.connections.Connection": "pymysql.connections.Connection",
    "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
    "MySQLdb.connect": "MySQLdb.connections.Connection",
    "MySQLdb.Connect": "MySQLdb.connections.Connection",
    "MySQLdb.Connection": "MySQLdb.connections.Connection",
    "MySQLdb.connections.Connection": "MySQLdb.connections.Connection",
    "MySQLdb.connections.Connection.cursor": "MySQLdb.cursors.Cursor",
    "django.db.connection.cursor": "django.db.backends.utils.CursorWrapper",
    # cloud (boto3.Client / boto3.Resource are synthetic names: every method on them blocks)
    "boto3.client": "boto3.Client",
    "boto3.resource": "boto3.Resource",
    "boto3.Session": "boto3.session.Session",
    "boto3.session.Session": "boto3.session.Session",
    "boto3.session.Session.client": "boto3.Client",
    "boto3.session.Session.resource": "boto3.Resource",
    "botocore.session.get_session": "botocore.session.Session",
    "botocore.session.Session": "botocore.session.Session",
    "botocore.session.Session.create_client": "botocore.client.BaseClient",
}

# Names known NOT to block: pure path arithmetic and similar. flake8-async leaves these alone (its eval files
# list `os.path.abspath` as a non-error); ruff/blockbuster flag a few of them (abspath, expanduser, samestat),
# which we consider noise: abspath/absolute only call getcwd, expanduser reads $HOME.
_KNOWN_PURE = frozenset(
    {
        *(f"os.path.{name}" for name in ("join", "abspath", "basename", "dirname", "split", "splitext", "splitdrive",
                                         "splitroot", "normcase", "commonpath", "commonprefix", "isabs", "expandvars",
                                         "expanduser", "samestat", "isreserved")),
        *(f"pathlib.Path.{name}" for name in ("absolute", "expanduser", "home", "joinpath", "with_name", "with_stem",
                                              "with_suffix", "with_segments", "relative_to", "is_relative_to",
                                              "as_posix", "as_uri", "match", "full_match", "is_absolute",
                                              "is_reserved")),
    }
)  # fmt: skip

# Methods of wildcard ("<Class>.*") classes that do no I/O.
_FILE_LOCAL = frozenset({"fileno", "isatty", "readable", "writable", "seekable", "detach"})
_REDIS_LOCAL = frozenset(
    {"pipeline", "pubsub", "lock", "from_url", "from_pool", "client", "get_encoder", "get_connection_kwargs",
     "set_response_callback", "register_script", "get_retry", "set_retry", "load_external_module", "keyslot",
     "get_node", "get_nodes", "get_primaries", "get_replicas", "get_random_node", "get_default_node"}
)  # fmt: skip
_BOTO_LOCAL = frozenset({"get_paginator", "get_waiter", "can_paginate", "generate_presigned_url",
                         "generate_presigned_post", "get_available_subresources"})  # fmt: skip
_WILDCARD_EXEMPT: dict[str, frozenset[str]] = {
    **dict.fromkeys(("io.TextIOWrapper", "io.BufferedReader", "io.BufferedWriter", "io.BufferedRandom", "io.FileIO",
                     "gzip.GzipFile", "bz2.BZ2File", "lzma.LZMAFile", "codecs.StreamReaderWriter"), _FILE_LOCAL),
    **dict.fromkeys(_REDIS_CLIENTS, _REDIS_LOCAL),
    **dict.fromkeys(("boto3.Client", "boto3.Resource", "botocore.client.BaseClient"), _BOTO_LOCAL),
    "pylibmc.Client": frozenset({"clone"}),
    "pylibmc.client.Client": frozenset({"clone"}),
    "memcache.Client": frozenset({"set_servers", "debuglog", "forget_dead_hosts"}),
}  # fmt: skip
# On a boto3 resource, `s3.Bucket("b")` / `s3.Object(...)` build lazy sub-resources: capitalised names do no I/O.
_LAZY_CAPITALISED = frozenset({"boto3.Resource"})

_EXACT: dict[str, BlockingCall] = {row.qualname: row for row in BLOCKING_CALLS if not row.qualname.endswith("*")}
# "<Class>.*" rows, keyed by the class: one dict probe per lookup.
_CLASS_WILDCARDS: dict[str, BlockingCall] = {
    row.qualname[:-2]: row for row in BLOCKING_CALLS if row.qualname.endswith(".*")
}
# Other prefix rows ("os.spawn*" style), longest first.
_PREFIXES: tuple[tuple[str, BlockingCall], ...] = tuple(
    sorted(
        (
            (row.qualname[:-1], row)
            for row in BLOCKING_CALLS
            if row.qualname.endswith("*") and not row.qualname.endswith(".*")
        ),
        key=lambda item: -len(item[0]),
    )
)


def _wildcard_exempt(cls: str, method: str) -> bool:
    if method in _WILDCARD_EXEMPT.get(cls, ()):
        return True
    return cls in _LAZY_CAPITALISED and method[:1].isupper()


def lookup(qualname: str) -> BlockingCall | None:
    """Exact match first, then the longest prefix pattern; None when the call is not known to block."""
    # A "<Class>.*" row matches "<Class>.<method>" (one more segment) unless the method is in _WILDCARD_EXEMPT.
    row = _EXACT.get(qualname)
    if row is not None:
        return row
    if qualname in _KNOWN_PURE:
        return None
    best: BlockingCall | None = None
    best_len = -1
    cls, dot, method = qualname.rpartition(".")
    if dot and method:
        row = _CLASS_WILDCARDS.get(cls)
        if row is not None:
            if _wildcard_exempt(cls, method):
                return None
            best, best_len = row, len(cls) + 1
    for prefix, row in _PREFIXES:
        if len(prefix) <= best_len:
            break
        if qualname.startswith(prefix) and len(qualname) > len(prefix):
            return row
    return best
