from __future__ import annotations

import pytest
from django.core.management import call_command

from pariter.training.models import Attendance, Certificate, Edition, Enrollment, Initiative

pytestmark = pytest.mark.django_db


def test_it_builds_the_demo_once(milano):
    call_command("training_demo")
    assert Initiative.objects.filter(kind="guardian_path").exists()
    assert Edition.objects.count() == 9
    assert Enrollment.objects.filter(state="waitlisted").exists()
    assert Attendance.objects.exists() and Certificate.objects.exists()
    call_command("training_demo")
    assert Edition.objects.count() == 9
