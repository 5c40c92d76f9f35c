from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..glossary import ROLES, choices


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[strip],
                       validators=[DataRequired(_l("Enter your email address.")),
                                   Email(_l("This email address is not valid."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Remember me on this device"))


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    email = EmailField(_l("Email"), filters=[strip],
                       validators=[DataRequired(_l("Enter an email address.")),
                                   Email(_l("This email address is not valid.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(ROLES), default="staff")
    password = PasswordField(
        _l("Temporary password"),
        validators=[DataRequired(_l("Enter a password.")), Length(min=10, message=_l("Use at least 10 characters."))],
    )
