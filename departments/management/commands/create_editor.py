"""Create a content editor: a staff account whose only rights are those of the "Content editors" group."""

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

# Created by migration departments/0002_content_editors_group (which keeps its own copy).
GROUP = "Content editors"
PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a content editor: a staff user in the Content editors group, who may view, add and "
        "change the hospital's content in the admin and nothing else. Takes the password from the "
        f"{PASSWORD_VARIABLE} environment variable when it is set, and otherwise asks for it."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's email address (optional).")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt; take the password from {PASSWORD_VARIABLE}.",
        )

    def handle(self, *args, username, email, interactive, **options):
        User = get_user_model()
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist:
            raise CommandError(
                f'The "{GROUP}" group does not exist: run `python manage.py migrate` first.'
            ) from None
        if User._default_manager.filter(username=username).exists():
            raise CommandError(
                f'A user named "{username}" already exists. To make them an editor, add them to the '
                f'"{GROUP}" group and tick "Staff status" in the admin (Users).'
            )
        user = User(username=username, email=email, is_staff=True, is_superuser=False)
        try:
            User._meta.get_field(User.USERNAME_FIELD).clean(username, user)
            if email:
                validate_email(email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        # The variable whenever it is set, as a script or a deployment sets it: their stdin is no
        # terminal, and getpass would read its end and fail with a traceback.
        if os.environ.get(PASSWORD_VARIABLE) or not interactive:
            password = self.password_from_environment(user)
        elif sys.stdin.isatty():
            password = self.ask_password(user)
        else:
            raise CommandError(
                f"There is no terminal to ask for the password on: set it in {PASSWORD_VARIABLE}."
            )
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f'Created the content editor "{username}".'))

    def password_from_environment(self, user):
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if not password:
            raise CommandError(f"With --no-input, set the password in {PASSWORD_VARIABLE}.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password is too weak: " + " ".join(error.messages)) from None
        return password

    def ask_password(self, user):
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            return password
