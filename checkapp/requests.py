"""The app's request class: a form part without a usable name is dropped when the body is parsed
(Werkzeug would key it None, and every reader of `request.form` after it trips over that)."""
from flask import Request as FlaskRequest
from werkzeug.formparser import FormDataParser


class NamedPartsParser(FormDataParser):
    def parse(self, *args, **kwargs):
        stream, form, files = super().parse(*args, **kwargs)
        return stream, self._named(form), self._named(files)

    def _named(self, fields):
        if None not in fields:
            return fields
        return self.cls((key, value) for key, value in fields.items(multi=True) if key is not None)


class Request(FlaskRequest):
    form_data_parser_class = NamedPartsParser
