"""Who is logged in, read as every request reads it: Django's ModelBackend, with the user's
row read through SQL compiled once per process (``core.lib.compiled``). Every page asks, and
building and compiling the ORM's query cost more than the database took to answer it."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from core.lib.compiled import compiled_objects


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except ValidationError:  # a session holding something that is no id: nobody
            return None
        found = compiled_objects(
            user_model,
            ("session_user",),
            lambda pk: user_model._default_manager.filter(pk=pk),
            (pk,),
        )
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
