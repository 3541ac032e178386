"""Small helpers that make valid content rows; tests override only what they are about."""

import datetime

from departments.models import Department, Hospital, StaffStats


def make_hospital(**fields):
    values = {
        "slug": "test-hospital",
        "name_en": "Test Hospital",
        "name_zh_hans": "测试医院",
        "city_en": "Changchun",
        "city_zh_hans": "长春市",
        "province_en": "Jilin Province",
        "province_zh_hans": "吉林省",
        "founded_year": 1949,
        "summary_en": "A hospital for tests.",
        "summary_zh_hans": "用于测试的医院。",
        "description_en": "Description.",
        "description_zh_hans": "介绍。",
        "reviewed_on": datetime.date(2026, 1, 1),
    }
    values.update(fields)
    return Hospital.objects.create(**values)


def make_department(hospital, **fields):
    slug = fields.pop("slug", "test-department")
    values = {
        "hospital": hospital,
        "slug": slug,
        "name_en": f"Department {slug}",
        "name_zh_hans": f"科室 {slug}",
        "summary_en": "Summary.",
        "summary_zh_hans": "简介。",
        "description_en": "Description.",
        "description_zh_hans": "介绍。",
        "reviewed_on": datetime.date(2026, 1, 1),
    }
    values.update(fields)
    return Department.objects.create(**values)


def make_figure(owner, **fields):
    values = {"slug": "beds", "metric": "beds", "value": 10}
    values.update(fields)
    owner_field = "department" if isinstance(owner, Department) else "hospital"
    return StaffStats.objects.create(**{owner_field: owner}, **values)
