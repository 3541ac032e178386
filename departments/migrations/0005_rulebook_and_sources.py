"""The rulebook and sources.

- Sources become rows (departments.Source) instead of a list of five file names in the code, so a
  new department's text, or an editor's document, is data. The sources existing rows cite are
  created here, and every `source` column keeps its values (the foreign key is on the source's name), "" becoming
  NULL; editors may add and change sources.
- Every CHECK constraint carries its message (departments/models/rules.py), and a founding month
  is checked as two rules (1 to 12; needs a year).
"""

import departments.models.rules
import django.core.validators
import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

WITH_SOURCE = (
    "hospital",
    "department",
    "staffstats",
    "researchfigure",
    "accreditation",
    "leader",
    "procedure",
    "condition",
    "partner",
    "milestone",
    "facility",
    "teachingprogramme",
)
TEXTS = [
    ("hospital.txt", "The First Hospital of Jilin University: introduction", "吉林大学第一医院简介"),
    ("gastrointestinal-surgery.txt", "Gastrointestinal Surgery: introduction", "胃肠外科简介"),
    ("colorectal-anal-surgery.txt", "Colorectal and Anal Surgery: introduction", "结直肠肛门外科简介"),
    ("spine-surgery.txt", "Spine Surgery: introduction", "脊柱外科简介"),
    ("plastic-cosmetic-surgery.txt", "Plastic and Cosmetic Surgery: introduction", "整形美容外科简介"),
]


def create_cited_sources(apps, schema_editor):
    """A source row for each name the existing rows cite, so that the foreign key holds; a new
    database has none, and its fixtures bring their sources."""
    Source = apps.get_model("departments", "Source")
    cited = set()
    for model in WITH_SOURCE:
        cited.update(
            apps.get_model("departments", model).objects.exclude(source="").values_list("source", flat=True)
        )
    titles = {name: (title_en, title_zh_hans) for name, title_en, title_zh_hans in TEXTS}
    for name in sorted(cited):
        title_en, title_zh_hans = titles.get(name, (name, ""))
        Source.objects.get_or_create(
            name=name,
            defaults={
                "kind": "text" if name in titles else "document",
                "title": title_en,
                "title_en": title_en,
                "title_zh_hans": title_zh_hans,
            },
        )


def no_source_is_null(apps, schema_editor):
    for model in WITH_SOURCE:
        apps.get_model("departments", model).objects.filter(source="").update(source=None)


def null_is_no_source(apps, schema_editor):
    for model in WITH_SOURCE:
        apps.get_model("departments", model).objects.filter(source__isnull=True).update(source="")


def editors_may_name_sources(apps, schema_editor):
    app_config = apps.get_app_config("departments")
    if getattr(app_config, "models_module", None) is None:
        app_config.models_module = True  # a migration's app stub: create_permissions needs it set
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="departments", codename__in=["view_source", "add_source", "change_source"]
    )
    for group in Group.objects.filter(name="Content editors"):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0004_source_and_leader_name_constraints"),
    ]

    operations = [
        migrations.CreateModel(
            name="Source",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="For a source text, its file name in fixtures/sources/ (for example spine-surgery.txt); for another document, a short name of your own (for example annual-report-2024).",
                        max_length=100,
                        unique=True,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("text", "Source text (in fixtures/sources/)"),
                            ("document", "Other document"),
                        ],
                        default="document",
                        max_length=10,
                    ),
                ),
                ("title", models.CharField(max_length=300)),
                ("title_en", models.CharField(max_length=300, null=True)),
                ("title_zh_hans", models.CharField(max_length=300, null=True)),
                (
                    "published_on",
                    models.DateField(blank=True, help_text="When the document was published.", null=True),
                ),
                (
                    "url",
                    models.URLField(blank=True, help_text="Where the document can be read, if it is public."),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="accreditation",
            name="accreditation_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="accreditation",
            name="accreditation_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="accreditation",
            name="accreditation_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="accreditation",
            name="accreditation_year_in_range",
        ),
        migrations.RemoveConstraint(
            model_name="accreditation",
            name="accreditation_kind_valid",
        ),
        migrations.RemoveConstraint(
            model_name="accreditation",
            name="accreditation_count_positive",
        ),
        migrations.RemoveConstraint(
            model_name="accreditation",
            name="accreditation_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="condition",
            name="condition_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="condition",
            name="condition_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="condition",
            name="condition_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="condition",
            name="condition_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="department",
            name="department_founded_year_in_range",
        ),
        migrations.RemoveConstraint(
            model_name="department",
            name="department_founded_month_valid",
        ),
        migrations.RemoveConstraint(
            model_name="department",
            name="department_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="department",
            name="department_photo_has_alt_text",
        ),
        migrations.RemoveConstraint(
            model_name="department",
            name="department_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="facility",
            name="facility_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="facility",
            name="facility_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="facility",
            name="facility_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="facility",
            name="facility_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="hospital",
            name="hospital_founded_year_in_range",
        ),
        migrations.RemoveConstraint(
            model_name="hospital",
            name="hospital_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="hospital",
            name="hospital_photo_has_alt_text",
        ),
        migrations.RemoveConstraint(
            model_name="hospital",
            name="hospital_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="leader",
            name="leader_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="leader",
            name="leader_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="leader",
            name="leader_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="leader",
            name="leader_role_valid",
        ),
        migrations.RemoveConstraint(
            model_name="leader",
            name="leader_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="leader",
            name="leader_name_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="milestone",
            name="milestone_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="milestone",
            name="milestone_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="milestone",
            name="milestone_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="milestone",
            name="milestone_year_in_range",
        ),
        migrations.RemoveConstraint(
            model_name="milestone",
            name="milestone_month_valid",
        ),
        migrations.RemoveConstraint(
            model_name="milestone",
            name="milestone_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="partner",
            name="partner_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="partner",
            name="partner_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="partner",
            name="partner_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="partner",
            name="partner_kind_valid",
        ),
        migrations.RemoveConstraint(
            model_name="partner",
            name="partner_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="procedure",
            name="procedure_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="procedure",
            name="procedure_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="procedure",
            name="procedure_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="procedure",
            name="procedure_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_value_not_negative",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_percent_at_most_100",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_unit_valid",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_qualifier_valid",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_metric_valid",
        ),
        migrations.RemoveConstraint(
            model_name="researchfigure",
            name="researchfigure_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_value_not_negative",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_percent_at_most_100",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_unit_valid",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_qualifier_valid",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_metric_valid",
        ),
        migrations.RemoveConstraint(
            model_name="staffstats",
            name="staffstats_source_valid",
        ),
        migrations.RemoveConstraint(
            model_name="teachingprogramme",
            name="teachingprogramme_has_one_owner",
        ),
        migrations.RemoveConstraint(
            model_name="teachingprogramme",
            name="teachingprogramme_slug_not_empty",
        ),
        migrations.RemoveConstraint(
            model_name="teachingprogramme",
            name="teachingprogramme_source_has_phrase",
        ),
        migrations.RemoveConstraint(
            model_name="teachingprogramme",
            name="teachingprogramme_source_valid",
        ),
        migrations.AlterField(
            model_name="accreditation",
            name="count",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="How many, where the source counts them (e.g. 14 key laboratories).",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1, "Enter 1 or more, or leave it empty.")
                ],
            ),
        ),
        migrations.AlterField(
            model_name="accreditation",
            name="year",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, validators=[departments.models.rules.YearValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="founded_month",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Enter a month from 1 to 12, or leave it empty."
                    ),
                    django.core.validators.MaxValueValidator(
                        12, "Enter a month from 1 to 12, or leave it empty."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="founded_year",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, validators=[departments.models.rules.YearValidator()]
            ),
        ),
        migrations.AlterField(
            model_name="hospital",
            name="founded_year",
            field=models.PositiveSmallIntegerField(validators=[departments.models.rules.YearValidator()]),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="month",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(
                        1, "Enter a month from 1 to 12, or leave it empty."
                    ),
                    django.core.validators.MaxValueValidator(
                        12, "Enter a month from 1 to 12, or leave it empty."
                    ),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="year",
            field=models.PositiveSmallIntegerField(validators=[departments.models.rules.YearValidator()]),
        ),
        migrations.AlterField(
            model_name="researchfigure",
            name="value",
            field=models.PositiveBigIntegerField(
                validators=[django.core.validators.MinValueValidator(0, "Enter zero or a positive number.")]
            ),
        ),
        migrations.AlterField(
            model_name="staffstats",
            name="value",
            field=models.PositiveBigIntegerField(
                validators=[django.core.validators.MinValueValidator(0, "Enter zero or a positive number.")]
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(("name", ""), _negated=True), name="source_name_not_empty"
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["text", "document"])), name="source_kind_valid"
            ),
        ),
        migrations.RunPython(create_cited_sources, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="hospital",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="department",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="staffstats",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="researchfigure",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="accreditation",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="leader",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="procedure",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="condition",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="partner",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="facility",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.AlterField(
            model_name="teachingprogramme",
            name="source",
            field=models.CharField(blank=True, max_length=100, null=True),
        ),
        migrations.RunPython(no_source_is_null, null_is_no_source),
        migrations.AlterField(
            model_name="accreditation",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="condition",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="department",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="hospital",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="leader",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="partner",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="procedure",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="researchfigure",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="staffstats",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AlterField(
            model_name="teachingprogramme",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_column="source",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="departments.source",
                to_field="name",
            ),
        ),
        migrations.AddConstraint(
            model_name="accreditation",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="accreditation_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="accreditation",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="accreditation_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="accreditation",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="accreditation_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="accreditation",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    ("year__isnull", True),
                    models.Q(("year__gte", 1800), ("year__lte", 2100)),
                    _connector="OR",
                ),
                field="year",
                message="Enter a year from 1800 to this year.",
                name="accreditation_year_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="accreditation",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    ("kind__in", ["designation", "base", "research_centre", "award", "membership", "ranking"])
                ),
                field="kind",
                message="Select a valid choice.",
                name="accreditation_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="accreditation",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("count__isnull", True), ("count__gte", 1), _connector="OR"),
                field="count",
                message="Enter 1 or more, or leave it empty.",
                name="accreditation_count_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="condition",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="condition_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="condition",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="condition_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="condition",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="condition_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    ("founded_year__isnull", True),
                    models.Q(("founded_year__gte", 1800), ("founded_year__lte", 2100)),
                    _connector="OR",
                ),
                field="founded_year",
                message="Enter a year from 1800 to this year.",
                name="department_founded_year_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    ("founded_month__isnull", True),
                    models.Q(("founded_month__gte", 1), ("founded_month__lte", 12)),
                    _connector="OR",
                ),
                field="founded_month",
                message="Enter a month from 1 to 12, or leave it empty.",
                name="department_founded_month_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("founded_month__isnull", True), ("founded_year__isnull", False), _connector="OR"
                ),
                field="founded_month",
                message="A month needs a year: enter the year as well.",
                name="department_founded_month_needs_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="department_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("photo", ""),
                    models.Q(("photo_alt_en__isnull", False), models.Q(("photo_alt_en", ""), _negated=True)),
                    _connector="OR",
                ),
                field="photo_alt_en",
                message="Describe the photo in English for people who cannot see it: a photo needs this text.",
                name="department_photo_has_alt_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="facility",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="facility_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="facility",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="facility_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="facility",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="facility_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="hospital",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    ("founded_year__isnull", True),
                    models.Q(("founded_year__gte", 1800), ("founded_year__lte", 2100)),
                    _connector="OR",
                ),
                field="founded_year",
                message="Enter a year from 1800 to this year.",
                name="hospital_founded_year_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="hospital",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="hospital_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="hospital",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("photo", ""),
                    models.Q(("photo_alt_en__isnull", False), models.Q(("photo_alt_en", ""), _negated=True)),
                    _connector="OR",
                ),
                field="photo_alt_en",
                message="Describe the photo in English for people who cannot see it: a photo needs this text.",
                name="hospital_photo_has_alt_text",
            ),
        ),
        migrations.AddConstraint(
            model_name="leader",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="leader_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="leader",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="leader_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="leader",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="leader_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="leader",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("role__in", ["founder", "director", "deputy_director"])),
                field="role",
                message="Select a valid choice.",
                name="leader_role_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="leader",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("name", ""), _negated=True),
                field="name",
                message="This field is required.",
                name="leader_name_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="milestone",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="milestone_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="milestone",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="milestone_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="milestone",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="milestone_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="milestone",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    ("year__isnull", True),
                    models.Q(("year__gte", 1800), ("year__lte", 2100)),
                    _connector="OR",
                ),
                field="year",
                message="Enter a year from 1800 to this year.",
                name="milestone_year_in_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="milestone",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    ("month__isnull", True), models.Q(("month__gte", 1), ("month__lte", 12)), _connector="OR"
                ),
                field="month",
                message="Enter a month from 1 to 12, or leave it empty.",
                name="milestone_month_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="partner",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="partner_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="partner",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="partner_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="partner",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="partner_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="partner",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("kind__in", ["research", "further_study"])),
                field="kind",
                message="Select a valid choice.",
                name="partner_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="procedure",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="procedure_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="procedure",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="procedure_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="procedure",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="procedure_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="researchfigure",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="researchfigure_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="researchfigure",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="researchfigure_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="researchfigure",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="researchfigure_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="researchfigure",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("value__gte", 0)),
                field="value",
                message="Enter zero or a positive number.",
                name="researchfigure_value_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="researchfigure",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("unit", "percent"), _negated=True), ("value__lte", 100), _connector="OR"
                ),
                field="value",
                message="A percentage cannot be more than 100.",
                name="researchfigure_percent_at_most_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="researchfigure",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("unit__in", ["count", "percent", "yuan", "m2", "rank"])),
                field="unit",
                message="Select a valid choice.",
                name="researchfigure_unit_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="researchfigure",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    (
                        "qualifier__in",
                        ["exact", "more_than", "over", "nearly", "about", "hundreds", "thousands"],
                    )
                ),
                field="qualifier",
                message="Select a valid choice.",
                name="researchfigure_qualifier_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="researchfigure",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    ("metric__in", ["projects", "funding", "papers", "sci_papers", "funding_rank"])
                ),
                field="metric",
                message="Select a valid choice.",
                name="researchfigure_metric_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="staffstats",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="staffstats_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="staffstats",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="staffstats_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="staffstats",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="staffstats_source_has_phrase",
            ),
        ),
        migrations.AddConstraint(
            model_name="staffstats",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("value__gte", 0)),
                field="value",
                message="Enter zero or a positive number.",
                name="staffstats_value_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="staffstats",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("unit", "percent"), _negated=True), ("value__lte", 100), _connector="OR"
                ),
                field="value",
                message="A percentage cannot be more than 100.",
                name="staffstats_percent_at_most_100",
            ),
        ),
        migrations.AddConstraint(
            model_name="staffstats",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("unit__in", ["count", "percent", "yuan", "m2", "rank"])),
                field="unit",
                message="Select a valid choice.",
                name="staffstats_unit_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="staffstats",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    (
                        "qualifier__in",
                        ["exact", "more_than", "over", "nearly", "about", "hundreds", "thousands"],
                    )
                ),
                field="qualifier",
                message="Select a valid choice.",
                name="staffstats_qualifier_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="staffstats",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(
                    (
                        "metric__in",
                        [
                            "employees",
                            "clinical_staff",
                            "doctors",
                            "nurses",
                            "professors",
                            "associate_professors",
                            "chief_physicians",
                            "deputy_chief_physicians",
                            "attending_physicians",
                            "resident_physicians",
                            "doctoral_supervisors",
                            "masters_supervisors",
                            "postgraduate_supervisors",
                            "doctors_with_doctorate",
                            "staff_trained_abroad",
                            "beds",
                            "floor_area",
                            "clinical_departments",
                            "outpatient_departments",
                            "technical_departments",
                            "operating_rooms",
                            "campuses",
                            "annual_outpatients",
                            "annual_outpatient_emergency",
                            "annual_inpatients",
                            "annual_operations",
                            "laparoscopic_share",
                        ],
                    )
                ),
                field="metric",
                message="Select a valid choice.",
                name="staffstats_metric_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="teachingprogramme",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    models.Q(("department__isnull", False), ("hospital__isnull", True)),
                    models.Q(("department__isnull", True), ("hospital__isnull", False)),
                    _connector="OR",
                ),
                message="Choose the hospital or one department this belongs to, not both.",
                name="teachingprogramme_has_one_owner",
            ),
        ),
        migrations.AddConstraint(
            model_name="teachingprogramme",
            constraint=departments.models.rules.FieldRule(
                condition=models.Q(("slug", ""), _negated=True),
                field="slug",
                message="This field is required.",
                name="teachingprogramme_slug_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="teachingprogramme",
            constraint=departments.models.rules.Rule(
                condition=models.Q(
                    ("source__isnull", True), models.Q(("source_phrase", ""), _negated=True), _connector="OR"
                ),
                field="source_phrase",
                message="Quote the words of the source text this rests on, or set the source to empty.",
                name="teachingprogramme_source_has_phrase",
            ),
        ),
        migrations.AlterConstraint(
            model_name="accreditation",
            name="accreditation_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="accreditation_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="accreditation",
            name="accreditation_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="accreditation_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="condition",
            name="condition_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="condition_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="condition",
            name="condition_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="condition_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="facility",
            name="facility_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="facility_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="facility",
            name="facility_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="facility_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="leader",
            name="leader_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="leader_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="leader",
            name="leader_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="leader_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="milestone",
            name="milestone_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="milestone_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="milestone",
            name="milestone_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="milestone_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="partner",
            name="partner_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="partner_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="partner",
            name="partner_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="partner_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="procedure",
            name="procedure_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="procedure_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="procedure",
            name="procedure_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="procedure_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="researchfigure",
            name="researchfigure_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="researchfigure_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="researchfigure",
            name="researchfigure_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="researchfigure_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="staffstats",
            name="staffstats_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="staffstats_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="staffstats",
            name="staffstats_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="staffstats_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="teachingprogramme",
            name="teachingprogramme_unique_slug_per_hospital",
            constraint=models.UniqueConstraint(
                condition=models.Q(("hospital__isnull", False)),
                fields=("hospital", "slug"),
                name="teachingprogramme_unique_slug_per_hospital",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="teachingprogramme",
            name="teachingprogramme_unique_slug_per_department",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", False)),
                fields=("department", "slug"),
                name="teachingprogramme_unique_slug_per_department",
                violation_error_message="Another entry of the same owner already has this slug; choose another.",
            ),
        ),
        migrations.RunPython(editors_may_name_sources, migrations.RunPython.noop),
    ]
