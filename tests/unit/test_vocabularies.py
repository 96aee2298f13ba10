"""Open vocabularies as data: shipped values with labels, extended per project in project.yaml."""
from __future__ import annotations

import pytest

from clusterix_analytics.data.dataset import load
from clusterix_analytics.data.vocabularies import label, values
from clusterix_analytics.errors import DataValidationError


def set_first_partner_type(project, value: str) -> None:
    path = project / "partners.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",business_agency,", f",{value},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_to_project_yaml(project, text: str) -> None:
    with (project / "project.yaml").open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_the_shipped_partner_types_include_the_kinds_other_projects_have():
    assert {"municipality", "university", "research_institute", "chamber", "cluster_organisation",
            "national_agency"} <= set(values("partner_type"))
    assert label("partner_type", "chamber") == "Chamber of commerce or industry"


def test_a_shipped_type_is_accepted_by_any_project(project_copy):
    set_first_partner_type(project_copy, "municipality")
    assert load(project_copy).partners["partner_type"].iloc[0] == "municipality"


def test_a_project_adds_its_own_values_with_labels(project_copy):
    set_first_partner_type(project_copy, "regional_council")
    with pytest.raises(DataValidationError) as refused:
        load(project_copy)
    (problem,) = refused.value.problems
    assert (problem.file, problem.row, problem.column) == ("partners.csv", 2, "partner_type")
    assert problem.message.startswith("'regional_council': must be one of: regional_authority, national_authority")
    assert problem.message.endswith("(or add it to project.yaml under vocabularies: partner_type:)")

    add_to_project_yaml(project_copy, "\nvocabularies:\n  partner_type:\n    regional_council: Council of the region\n")
    ds = load(project_copy)
    assert ds.partners["partner_type"].iloc[0] == "regional_council"
    assert label("partner_type", "regional_council", ds.project.vocabularies) == "Council of the region"


def test_unknown_vocabularies_and_values_that_are_not_slugs_are_refused(project_copy):
    add_to_project_yaml(project_copy, "\nvocabularies:\n  partner_typ:\n    council: Council\n"
                                      "  event_type:\n    Site Visit: Site visit\n")
    with pytest.raises(DataValidationError) as refused:
        load(project_copy)
    messages = sorted((p.column, p.message) for p in refused.value.problems)
    assert messages[0][0] == "vocabularies.event_type.Site Visit"
    assert "is not a value for the tables" in messages[0][1]
    assert messages[1][0] == "vocabularies.partner_typ"
    assert "did you mean 'partner_type'" in messages[1][1]
