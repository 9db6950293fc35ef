"""Officers edit, reorder and remove an edition's enrollment questions: services question_update / question_remove /
question_move, views question_edit / question_remove / question_move. A question people answered is archived, never
deleted: it leaves the form and the answers keep their question."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pariter.core.models import AuditEntry
from pariter.training import services
from pariter.training.models import Question, QuestionKind
from tests.training.factories import enroll, make_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_tina(as_tina):
    as_tina.cookies["django_language"] = "en"
    return as_tina


def add(edition, label, kind=QuestionKind.TEXT, **fields):
    return services.question_add(edition=edition, label=label, kind=kind, **fields)


def values(q, **changes):
    data = {
        "label": q.label,
        "kind": q.kind,
        "required": q.required,
        "choices": q.choices,
        "depends_on": q.depends_on,
        "depends_value": q.depends_value,
    }
    data.update(changes)
    return data


def form_data(q, **changes):
    data = values(q, **changes)
    data["depends_on"] = data["depends_on"].pk if data["depends_on"] else ""
    if not data["required"]:
        data.pop("required")
    return data


# --- question_update ---------------------------------------------------------------------


def test_it_changes_a_question_nobody_answered():
    edition = make_edition()
    q = add(edition, "Ente di appartenenza?")
    services.question_update(question=q, **values(q, kind=QuestionKind.CHOICE, choices="Comune\nASST\nAltro"))
    q.refresh_from_db()
    assert (q.kind, q.choice_list()) == ("choice", ["Comune", "ASST", "Altro"])
    assert AuditEntry.objects.filter(action="training.question.changed", object_id=str(q.pk)).exists()


def test_after_answers_the_kind_cannot_change():
    edition = make_edition()
    q = add(edition, "Esigenze particolari?")
    enroll(edition, "Anna Neri", answers={str(q.pk): "Interprete LIS"})
    with pytest.raises(ValidationError) as error:
        services.question_update(question=q, **values(q, kind=QuestionKind.YES_NO))
    assert "1 people have already answered" in str(error.value.message_dict["kind"])
    services.question_update(question=q, **values(q, label="Esigenze di accessibilità?"))
    q.refresh_from_db()
    assert (q.kind, q.label) == ("text", "Esigenze di accessibilità?")


def test_after_answers_the_chosen_answers_stay_among_the_choices():
    edition = make_edition()
    q = add(edition, "Ente?", QuestionKind.CHOICE, choices="Comune\nASST")
    enroll(edition, "Anna Neri", answers={str(q.pk): "ASST"})
    with pytest.raises(ValidationError, match="ASST"):
        services.question_update(question=q, **values(q, choices="Comune\nTerzo settore"))
    services.question_update(question=q, **values(q, choices="Comune\nASST\nTerzo settore"))
    q.refresh_from_db()
    assert q.choice_list() == ["Comune", "ASST", "Terzo settore"]


def test_a_question_cannot_depend_on_itself_or_on_its_dependants():
    edition = make_edition()
    parent = add(edition, "Lavori in un ente pubblico?", QuestionKind.YES_NO)
    child = add(edition, "Quale ente?", QuestionKind.YES_NO, depends_on=parent, depends_value="yes")
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services.question_update(question=parent, **values(parent, depends_on=parent, depends_value="yes"))
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services.question_update(question=parent, **values(parent, depends_on=child, depends_value="yes"))


def test_a_parent_keeps_the_answer_its_dependants_need():
    edition = make_edition()
    parent = add(edition, "Ruolo?", QuestionKind.CHOICE, choices="Assistente sociale\nEducatore")
    add(edition, "Numero di iscrizione all'albo?", depends_on=parent, depends_value="Assistente sociale")
    with pytest.raises(ValidationError, match="keep that answer"):
        services.question_update(question=parent, **values(parent, choices="Educatore\nAltro"))
    with pytest.raises(ValidationError):
        services.question_update(question=parent, **values(parent, kind=QuestionKind.TEXT))


# --- question_remove ---------------------------------------------------------------------


def test_a_question_nobody_answered_is_deleted():
    edition = make_edition()
    q = add(edition, "Da eliminare?")
    assert services.question_remove(question=q) == services.QuestionRemoval.DELETED
    assert not Question.objects.filter(pk=q.pk).exists()
    assert AuditEntry.objects.filter(action="training.question.deleted", object_id=str(q.pk)).exists()


def test_a_question_with_answers_is_archived_and_leaves_the_form():
    edition = make_edition()
    q = add(edition, "Esigenze particolari?")
    person = enroll(edition, "Anna Neri", answers={str(q.pk): "Interprete LIS"})
    assert services.question_remove(question=q) == services.QuestionRemoval.ARCHIVED
    q.refresh_from_db()
    assert q.archived_at is not None
    assert list(edition.active_questions()) == []
    assert person.answers == {str(q.pk): "Interprete LIS"}
    assert AuditEntry.objects.filter(action="training.question.archived", object_id=str(q.pk)).exists()
    # The form no longer asks it, and an answer sent for it anyway is not kept.
    later = enroll(edition, "Bruno Neri", answers={str(q.pk): "x"})
    assert later.answers == {}


def test_a_question_others_depend_on_cannot_be_removed():
    edition = make_edition()
    parent = add(edition, "Lavori in un ente pubblico?", QuestionKind.YES_NO)
    add(edition, "Quale ente?", depends_on=parent, depends_value="yes")
    with pytest.raises(ValidationError, match="Quale ente"):
        services.question_remove(question=parent)
    assert Question.objects.get(pk=parent.pk).archived_at is None


# --- question_move -----------------------------------------------------------------------


def test_questions_move_up_and_down():
    edition = make_edition()
    a, b, c = (add(edition, label) for label in ("A?", "B?", "C?"))
    services.question_move(question=c, up=True)
    assert [q.label for q in edition.active_questions()] == ["A?", "C?", "B?"]
    services.question_move(question=a, up=False)
    assert [q.label for q in edition.active_questions()] == ["C?", "A?", "B?"]
    services.question_move(question=c, up=True)  # already first: nothing moves
    assert [q.label for q in edition.active_questions()] == ["C?", "A?", "B?"]
    del b


# --- the pages ---------------------------------------------------------------------------


def test_the_officer_edits_a_question_from_the_edition_page(as_tina):
    edition = make_edition()
    q = add(edition, "Ente?")
    page = as_tina.get(reverse("training:staff_edition", args=[edition.pk]))
    url = reverse("training:question_edit", args=[q.pk])
    assert url in page.text
    assert as_tina.get(url).status_code == 200
    response = as_tina.post(url, form_data(q, label="Ente di appartenenza?", required=True))
    assert response.status_code == 302
    q.refresh_from_db()
    assert (q.label, q.required) == ("Ente di appartenenza?", True)


def test_bad_input_shows_the_question_form_again(as_tina):
    edition = make_edition()
    q = add(edition, "Ente?", QuestionKind.CHOICE, choices="Comune\nASST")
    response = as_tina.post(reverse("training:question_edit", args=[q.pk]), form_data(q, choices="Solo una"))
    assert response.status_code == 422 and "at least two choices" in response.text
    assert Question.objects.get(pk=q.pk).choices == "Comune\nASST"


def test_removing_a_question_with_answers_says_it_is_archived(as_tina):
    edition = make_edition()
    q = add(edition, "Esigenze particolari?")
    enroll(edition, "Anna Neri", answers={str(q.pk): "Interprete LIS"})
    url = reverse("training:question_remove", args=[q.pk])
    confirm = as_tina.get(url)
    assert "it will be archived, not deleted" in confirm.text
    response = as_tina.post(url, follow=True)
    assert "archived instead of deleted" in response.text
    assert "1 archived question" in response.text
    assert Question.objects.get(pk=q.pk).archived_at is not None
    # An archived question cannot be edited any more.
    assert as_tina.get(reverse("training:question_edit", args=[q.pk])).status_code == 302


def test_removing_a_question_nobody_answered_deletes_it(as_tina):
    edition = make_edition()
    q = add(edition, "Da eliminare?")
    response = as_tina.post(reverse("training:question_remove", args=[q.pk]), follow=True)
    assert "The question was deleted." in response.text
    assert not Question.objects.filter(pk=q.pk).exists()


def test_the_officer_moves_a_question(as_tina):
    edition = make_edition()
    add(edition, "A?")
    b = add(edition, "B?")
    response = as_tina.post(reverse("training:question_move", args=[b.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert [q.label for q in edition.active_questions()] == ["B?", "A?"]


def test_the_enrollment_form_leaves_archived_questions_out(client):
    edition = make_edition()
    q = add(edition, "Esigenze particolari?")
    enroll(edition, "Anna Neri", answers={str(q.pk): "Interprete LIS"})
    services.question_remove(question=q)
    response = client.get(reverse("training:enroll", args=[edition.pk]))
    assert f"id_q_{q.pk}" not in response.text


def test_volunteers_and_outsiders_cannot_touch_questions(as_vera, client):
    from tests.conftest import make_user, signed_in

    q = add(make_edition(), "Ente?")
    outsider = signed_in(make_user("carlo@example.org", "Carlo"))
    for name in ("question_edit", "question_remove", "question_move"):
        url = reverse(f"training:{name}", args=[q.pk])
        assert as_vera.post(url, {"direction": "up", "label": "x", "kind": "text"}).status_code == 403
        assert outsider.post(url, {}).status_code == 403
        assert client.post(url, {}).status_code == 302
    assert Question.objects.get(pk=q.pk).label == "Ente?"
