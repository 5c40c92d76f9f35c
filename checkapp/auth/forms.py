from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..forms import Form
from ..glossary import ROLES, choices
from .services import MIN_PASSWORD_LENGTH


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(Form):
    email = EmailField(_l("Email"), filters=[strip],
                       validators=[DataRequired(_l("Enter your email address.")),
                                   Email(_l("This email address is not valid."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Remember me on this device"))


class UserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    email = EmailField(_l("Email"), filters=[strip],
                       validators=[DataRequired(_l("Enter an email address.")),
                                   Email(_l("This email address is not valid.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices(ROLES), default="staff")
    password = PasswordField(
        _l("Temporary password"),
        validators=[DataRequired(_l("Enter a password.")),
                    Length(min=MIN_PASSWORD_LENGTH, message=_l("Use at least 10 characters."))],
    )


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), render_kw={"autocomplete": "current-password"},
                            validators=[DataRequired(_l("Enter your current password."))])
    new = PasswordField(_l("New password"), render_kw={"autocomplete": "new-password"}, validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=MIN_PASSWORD_LENGTH, message=_l("Use at least 10 characters."))])
    confirm = PasswordField(_l("New password again"), render_kw={"autocomplete": "new-password"}, validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("new", message=_l("The two new passwords are not the same."))])
