# The test hub's configuration. Nothing secret is written here: the test makes a random token for the
# `classlab-test-admin` service and hands it in through CLASSLAB_TEST_HUB_ADMIN_TOKEN; with that token the
# test makes the student's own narrowly scoped token through the hub's REST API, as a user would on the
# hub's token page.
import os

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

c.JupyterHub.bind_url = "http://0.0.0.0:8000"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = "sqlite:////srv/hub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/srv/hub/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "/srv/hub/proxy.pid"

# Real single-user servers as the hub's own user, each in a home of its own.
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = "/srv/users/{username}"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
# A failing spawn for the tests: the user `broken` gets a command that exits at once.
def pre_spawn(spawner):
    if spawner.user.name == "broken":
        spawner.cmd = ["/bin/false"]
c.Spawner.pre_spawn_hook = pre_spawn

# Users sign in with a password of the test's (DummyAuthenticator is for tests only); ClassLab uses tokens.
c.JupyterHub.authenticator_class = "dummy"
if os.environ.get("CLASSLAB_TEST_HUB_PASSWORD"):
    c.DummyAuthenticator.password = os.environ["CLASSLAB_TEST_HUB_PASSWORD"]
c.Authenticator.allowed_users = {"student", "broken", "other"}

c.JupyterHub.services = [{"name": "classlab-test-admin", "api_token": os.environ["CLASSLAB_TEST_HUB_ADMIN_TOKEN"]}]
c.JupyterHub.load_roles = [
    {"name": "classlab-test-admin", "scopes": ["admin:users", "admin:servers", "tokens", "read:hub"], "services": ["classlab-test-admin"]},
]
