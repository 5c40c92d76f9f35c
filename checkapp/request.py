"""The app's request class: form bodies that a browser never sends are refused with 400."""
from flask import Request as FlaskRequest
from werkzeug.exceptions import BadRequest


class Request(FlaskRequest):
    def _load_form_data(self) -> None:
        super()._load_form_data()
        # A multipart part without `name=` is parsed with the name None, which Flask-WTF and the
        # views would trip over (a 500). Refuse the body as a whole, once, wherever it is read first.
        if None in self.form or None in self.files:
            self.__dict__["form"] = self.parameter_storage_class()
            self.__dict__["files"] = self.parameter_storage_class()
            raise BadRequest()
