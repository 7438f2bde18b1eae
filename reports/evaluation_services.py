"""Evaluation rounds (workspace, issue 11 part 7): a round with its date, a narrative per
goal and a summary, in the shape of seed 003. A round is a draft, read by the project's
members only, until its manager publishes it (projects.permissions.PUBLISHED)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.versioning import StaleEdit, save_if_unchanged, version_of
from reports.models import EvaluationNarrative, EvaluationRound


def refuse_if_published(evaluation: EvaluationRound) -> None:
    """What national readers read changes only through a recorded return to draft."""
    if evaluation.pk and evaluation.published:
        raise ValidationError(_("The round is published: return it to a draft before you "
                                "change it."))


@transaction.atomic
def round_save(form, version: str) -> EvaluationRound:
    """A round added or its date, kind, title or summary changed (a draft only)."""
    if form.instance.pk:
        refuse_if_published(EvaluationRound.objects.select_for_update().get(pk=form.instance.pk))
    return save_if_unchanged(form, version)


def narratives_version(evaluation: EvaluationRound) -> str:
    """The version of a round's narratives as a whole: the latest change of any of them."""
    latest = evaluation.narratives.order_by("-updated_at").values_list(
        "updated_at", flat=True).first()
    return f"{version_of(evaluation)}|{latest.isoformat() if latest else ''}"


@transaction.atomic
def narratives_save(evaluation: EvaluationRound, texts: dict, *, version: str) -> int:
    """The round's narrative of each goal (goal -> text; an empty text removes it), if no one
    changed the round's narratives since `version`. The number of narratives changed."""
    evaluation = EvaluationRound.objects.select_for_update().get(pk=evaluation.pk)
    if narratives_version(evaluation) != version:
        raise StaleEdit
    refuse_if_published(evaluation)
    existing = {n.goal_id: n for n in evaluation.narratives.all()}
    changed = 0
    for goal, text in texts.items():
        text = text.strip()
        narrative = existing.get(goal.pk)
        if narrative is None and text:
            EvaluationNarrative.objects.create(round=evaluation, goal=goal, text=text)
        elif narrative is not None and not text:
            narrative.delete()
        elif narrative is not None and narrative.text != text:
            narrative.text = text
            narrative.save()
        else:
            continue
        changed += 1
    return changed


@transaction.atomic
def round_publish(evaluation: EvaluationRound, *, version: str, publish: bool = True
                  ) -> EvaluationRound:
    """The manager publishes a round (national readers and the API read it from now on), or
    takes it back to a draft."""
    evaluation = EvaluationRound.objects.select_for_update().get(pk=evaluation.pk)
    if version_of(evaluation) != version:
        raise StaleEdit
    evaluation.published = publish
    evaluation.published_at = timezone.now() if publish else None
    evaluation.save()
    return evaluation
