"""Extension objects, created unbound; create_app() initialises them."""
from flask_babel import Babel
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints keep Alembic batch migrations deterministic on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
compress = Compress()
# Rendered fragments that are the same for everyone who sees the same data ({% cache %} in templates),
# in each process: their keys hold all they show, so nothing has to be removed when data changes.
fragments = Cache(config={"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000})
# Whole pages, in each process (checkapp/pagecache): some 30-60 KB each.
pages = Cache(config={"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 300})
