"""The Django admin (administrators only) for correcting training data. Officers work from the staff pages."""

from __future__ import annotations

from django.contrib import admin

from pariter.training.models import Edition, Enrollment, Initiative, Question, Topic, TrainingSession


class SessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fk_name = "edition"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "audience", "language"]
    list_filter = ["kind", "audience"]
    search_fields = ["title"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_at", "capacity", "is_published", "enrollment_mode"]
    list_filter = ["is_published", "enrollment_mode", "certificate_rule"]
    list_select_related = ["initiative"]
    search_fields = ["initiative__title", "name"]
    readonly_fields = ["starts_at", "ends_at", "accredited_at"]
    inlines = [SessionInline, QuestionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["full_name", "edition", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["edition__initiative"]
    search_fields = ["full_name", "email"]
    # Answers are encrypted; states change through the services so the waiting list moves on.
    exclude = ["answers_encrypted"]
    readonly_fields = ["state", "waitlisted_at", "offer_expires_at", "checkin_code", "consent_at", "anonymised_at"]
    raw_id_fields = ["user", "municipality"]
