"""Write a synthetic set of content fixtures: one hospital and N departments with their facts.

    python bench/generate_fixtures.py --departments 1000 --out /tmp/fixtures-1000

Each department (department-0001, department-0002, ...) has 5 staff and activity figures, 2
leaders and 3 accreditations: 11 records, so 1,000 departments are 11,000 records plus the
hospital's. The files have the layout and format of fixtures/, which is what `manage.py
export_content` writes (00-hospital.json, then 10-department-0001.json, ..., the numbers
zero-padded to sort), so `manage.py loaddata /tmp/fixtures-1000/*.json` loads them and export
gives them back byte for byte (tests/test_export.py checks). The output depends on N only.

Every text says it is synthetic. These files are for benchmarks, never for the site.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REVIEWED_ON = "2026-01-01"
HOSPITAL = "synthetic-hospital"

# (slug, metric, value for department 1, shown in the directory)
FIGURES = [
    ("beds", "beds", 40, True),
    ("doctors", "doctors", 12, False),
    ("nurses", "nurses", 30, False),
    ("annual-operations", "annual_operations", 2500, False),
    ("annual-outpatients", "annual_outpatients", 30000, False),
]
LEADERS = [("director", "director"), ("deputy-director", "deputy_director")]
# (slug, kind, English name, Chinese name)
ACCREDITATIONS = [
    ("key-specialty", "designation", "Synthetic key specialty", "合成重点专科"),
    ("training-base", "base", "Synthetic training base", "合成培训基地"),
    ("research-award", "award", "Synthetic research award", "合成科研奖"),
]


def record(model, **values):
    """A fixture record with every field export writes, in its order; defaults where not given."""
    from departments.content.fixtures import fixture_fields

    fields = {}
    for field in fixture_fields(model):
        fields[field.name] = values.pop(field.name) if field.name in values else field.get_default()
    if values:
        raise TypeError(f"{model.__name__} has no field(s) {sorted(values)}")
    return {"model": model._meta.label_lower, "fields": fields}


def texts(**languages):
    """name="Department 1" -> name_en=..., name_zh_hans=... from (English, Chinese) pairs."""
    return {
        f"{name}_{language}": text
        for name, pair in languages.items()
        for language, text in zip(("en", "zh_hans"), pair, strict=True)
    }


def hospital_records():
    from departments.models import Hospital, StaffStats

    owner = {"hospital": [HOSPITAL], "department": None}
    return [
        record(
            Hospital,
            slug=HOSPITAL,
            founded_year=1949,
            reviewed_on=REVIEWED_ON,
            **texts(
                name=("Synthetic Hospital", "合成医院"),
                city=("Synthetic City", "合成市"),
                province=("Synthetic Province", "合成省"),
                summary=("A synthetic hospital for benchmarks.", "用于基准测试的合成医院。"),
                description=(
                    "Synthetic content for load benchmarks; not real.",
                    "用于加载基准测试的合成内容。",
                ),
            ),
        ),
        record(StaffStats, **owner, slug="beds", position=1, metric="beds", value=5000, headline=True),
        record(StaffStats, **owner, slug="employees", position=2, metric="employees", value=9000),
    ]


def department_records(number, width):
    from departments.content.fixtures import fact_models
    from departments.models import Accreditation, Department, Leader, StaffStats

    code = f"{number:0{width}d}"
    slug = f"department-{code}"
    owner = {"hospital": None, "department": [slug]}
    facts = [
        record(
            StaffStats,
            **owner,
            slug=figure,
            position=position,
            metric=metric,
            value=value + number,
            headline=headline,
        )
        for position, (figure, metric, value, headline) in enumerate(FIGURES, 1)
    ]
    facts += [
        record(
            Leader,
            **owner,
            slug=leader,
            position=position,
            name=f"Synthetic Leader {code}-{position}",
            role=role,
            **texts(title=("Professor", "教授")),
        )
        for position, (leader, role) in enumerate(LEADERS, 1)
    ]
    facts += [
        record(
            Accreditation,
            **owner,
            slug=accreditation,
            position=position,
            kind=kind,
            year=1990 + number % 30,
            **texts(name=(english, chinese)),
        )
        for position, (accreditation, kind, english, chinese) in enumerate(ACCREDITATIONS, 1)
    ]
    # In the order export writes them: by model, then position and slug.
    order = [model._meta.label_lower for model in fact_models()]
    facts.sort(key=lambda r: (order.index(r["model"]), r["fields"]["position"], r["fields"]["slug"]))
    department = record(
        Department,
        hospital=[HOSPITAL],
        slug=slug,
        position=number,
        founded_year=1950 + number % 70,
        reviewed_on=REVIEWED_ON,
        **texts(
            name=(f"Department {code} (synthetic)", f"合成科室 {code}"),
            summary=(f"Synthetic department {code} for benchmarks.", f"用于基准测试的合成科室 {code}。"),
            description=(
                f"Synthetic department {code}: content for load and page benchmarks, not real.",
                f"合成科室 {code}：用于加载和页面基准测试的内容，并非真实信息。",
            ),
        ),
    )
    return [department, *facts]


def write_fixtures(departments, out):
    """Write the files; return their paths in load order."""
    from departments.content.export import HOSPITAL_FILE, department_file_names

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    width = max(4, len(str(departments)))
    slugs = [f"department-{number:0{width}d}" for number in range(1, departments + 1)]
    files = {HOSPITAL_FILE: hospital_records()}
    for number, name in enumerate(department_file_names(slugs), 1):
        files[name] = department_records(number, width)
    paths = []
    for name, records in files.items():
        path = out / name
        path.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, required=True, help="how many departments")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the fixtures to")
    args = parser.parse_args()
    if args.departments < 0:
        parser.error("--departments must be 0 or more")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hospital_site.settings")
    import django

    django.setup()
    paths = write_fixtures(args.departments, args.out)
    records = sum(len(json.loads(path.read_text(encoding="utf-8"))) for path in paths)
    print(f"Wrote {records} records in {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
