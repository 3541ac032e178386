"""Provenance, read from fixture files alone: every record rests on a source the fixtures
describe, and every phrase it quotes from a source text is in that text, word for word.

Used on the project's fixtures and on a copy with a new department (test_new_department.py), so
it holds for whatever texts are in fixtures/sources/.
"""


def source_texts(fixtures_dir):
    return {path.name: path.read_text() for path in (fixtures_dir / "sources").glob("*.txt")}


def source_records(records):
    """The fixtures' sources by name: {name: fields}."""
    return {
        record["fields"]["name"]: record["fields"]
        for record in records
        if record["model"] == "departments.source"
    }


def provenance_problems(record, texts, sources):
    """What is wrong with one record's provenance (empty when nothing is)."""
    fields = record["fields"]
    if record["model"] == "departments.source":
        if fields["kind"] == "text" and fields["name"] not in texts:
            return [f"source text {fields['name']} is not in fixtures/sources/"]
        return []
    if fields.get("source") is None:
        return ["every record names the source it rests on"]
    (name,) = fields["source"]
    if name not in sources:
        return [f"{name} is not a source the fixtures describe"]
    if "source_phrase" not in fields:
        return []  # an owner: its description is written from the whole text
    if not fields["source_phrase"]:
        return ["every fact quotes the phrase it rests on"]
    if sources[name]["kind"] == "text" and fields["source_phrase"] not in texts[name]:
        return [f"{fields['source_phrase']!r} is not in {name}"]
    return []
