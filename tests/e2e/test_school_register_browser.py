"""The schools register in a browser: a business manager uploads a register with a bad row, sees the problem
by line, corrects it and imports; axe on every page of the register (the error states included)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from audits.models import School
from tests.audits.school_files import csv_bytes, school_rows
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_business_manager_imports_the_register(page: Page, base_url, axe, tmp_path):
    world = World("Alpha")
    static_code_make(world.bm, code="13572468")
    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("13572468")
    page.get_by_role("button", name="Continue").click()
    slug = world.partnership.slug

    page.goto(base_url + reverse("audits:school_list", kwargs={"slug": slug}))
    assert_accessible(axe, page, label="schools register, empty")
    page.get_by_role("link", name="Import the register from a file").click()
    assert_accessible(axe, page, label="school import")

    bad = tmp_path / "register.csv"
    bad.write_bytes(csv_bytes([*school_rows(30), ["Broken School", "12", "Head", "dsl@broken.example"]]))
    page.get_by_label("Register file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_test_id("import-problems")).to_contain_text("32")
    assert_accessible(axe, page, label="school import with problems")
    assert not School.objects.filter(partnership=world.partnership).exists()

    good = tmp_path / "register-fixed.csv"
    good.write_bytes(csv_bytes(school_rows(30)))
    page.get_by_label("Register file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 30 rows from register-fixed.csv: 30 new")).to_be_visible()
    assert_accessible(axe, page, label="school import with its result")

    page.goto(base_url + reverse("audits:school_list", kwargs={"slug": slug}))
    expect(page.get_by_test_id("school-table")).to_contain_text("30 schools (page 1 of 2)")
    assert_accessible(axe, page, label="schools register")
    page.get_by_label("Search by name, URN or head teacher").fill("100003")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="School 00003").click()
    assert_accessible(axe, page, label="a school")
    page.get_by_label("Designated safeguarding lead's email").fill("not an email")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(axe, page, label="a school with errors")
