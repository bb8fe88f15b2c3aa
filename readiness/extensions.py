"""Flask extensions, created unbound and attached in :func:`readiness.app.create_app`."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from readiness.i18n import ReadinessBabel


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = ReadinessBabel()
#: Rate limits (sign-in, sign-up, joining): in Redis when REDIS_URL is set, else in memory.
limiter = Limiter(key_func=get_remote_address)
#: Alembic migrations in readiness/migrations (render_as_batch: SQLite alters tables by copy).
migrate = Migrate(render_as_batch=True)
