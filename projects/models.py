"""The programme, its regions and organisations, the projects and the people in them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects import wellbeing_counties
from projects.audit import ProjectAudited
from projects.codes import natural_sort_key


class Programme(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BenefitGoal(models.Model):
    """One of the national benefit goals (hyötytavoitteet) STM set for every project."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="benefit_goals",
        verbose_name=_("programme"),
    )
    code = models.CharField(_("code"), max_length=20)
    code_sort = models.CharField(max_length=100, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("national benefit goal")
        verbose_name_plural = _("national benefit goals")
        ordering = ["code_sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="benefitgoal_unique_code",
                violation_error_message=_("A benefit goal with this code already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        self.code_sort = natural_sort_key(self.code)
        super().save(*args, **kwargs)


class Region(models.Model):
    """A wellbeing services county (hyvinvointialue) or former maakunta."""

    code = models.CharField(_("official code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)
    wellbeing_county = models.CharField(
        _("wellbeing services county"), max_length=2, choices=wellbeing_counties.CHOICES,
        blank=True, help_text=_("Statistics Finland's code of the wellbeing services county "
                                "the region is (Hyvinvointialueet 2023), e.g. 12."))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    sotkanet_region_id = models.PositiveIntegerField(
        _("Sotkanet region"), null=True, blank=True,
        help_text=_("The id of the wellbeing services county in THL's Sotkanet (region "
                    "category HYVINVOINTIALUE), for the national context of metrics."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        JOINT_AUTHORITY = "joint_authority", _("joint municipal authority")
        MUNICIPALITY = "municipality", _("municipality")
        HOSPITAL_DISTRICT = "hospital_district", _("hospital district")
        REGIONAL_COUNCIL = "regional_council", _("regional council")
        WELLBEING_COUNTY = "wellbeing_county", _("wellbeing services county")
        NGO = "ngo", _("non-governmental organisation")
        UNIVERSITY = "university", _("university")
        OTHER = "other", _("other")

    key = models.SlugField(
        _("key"), max_length=40, unique=True, help_text=_("Short stable identifier, e.g. PSSHP.")
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="organisations", verbose_name=_("region"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Person(models.Model):
    """Someone named in a project; linked to a login when they use the portal."""

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="people", verbose_name=_("organisation"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="person", verbose_name=_("user account"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Project(ProjectAudited, models.Model):

    audit_project_path = "pk"
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="projects", verbose_name=_("programme")
    )
    code = models.CharField(
        _("short name"), max_length=30, unique=True,
        error_messages={"unique": _("A project with this short name already exists.")},
    )
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="projects", verbose_name=_("region")
    )
    administrator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="administered_projects",
        verbose_name=_("administering organisation"),
    )
    co_implementers = models.ManyToManyField(
        Organisation, blank=True, related_name="co_implemented_projects",
        verbose_name=_("co-implementers"),
    )
    description = models.TextField(_("description"), blank=True)
    innokyla_url = models.URLField(_("Innokylä page"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["region__name", "code"]
        permissions = [("view_all_projects", _("Can read every project (national viewer)"))]

    def __str__(self) -> str:
        return self.code


class Phase(ProjectAudited, models.Model):
    """A funded phase of a project (I-vaihe, II-vaihe) with its key figures."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phases", verbose_name=_("project")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    state_grant = models.DecimalField(
        _("state grant (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    project_count = models.PositiveIntegerField(
        _("projects (as reported)"), null=True, blank=True,
        help_text=_("The number of development projects the phase reports in its key figures."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["project", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "code"], name="phase_unique_code",
                violation_error_message=_("This project already has a phase with this code."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="phase_end_after_start",
                violation_error_message=_("A phase must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(state_grant__gte=0) | Q(state_grant__isnull=True),
                name="phase_grant_non_negative",
                violation_error_message=_("The state grant cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.name}"


class MembershipQuerySet(models.QuerySet):
    def current(self, at=None):
        """The roles held at the moment `at` (now): started, and not ended by then."""
        at = at or timezone.now()
        return self.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at), started_at__lte=at)


class Membership(ProjectAudited, models.Model):
    """A person's role in a project, from its start to its end. A current role decides what
    the person may do in the portal; an ended one stays as the record of who held it when."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("project manager")
        COORDINATOR = "coordinator", _("coordinator")
        STEERING = "steering", _("steering group member")
        MEMBER = "member", _("project staff")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    title = models.CharField(
        pgettext_lazy("a person's job title", "title"), max_length=120, blank=True,
        help_text=_("E.g. hankepäällikkö.")
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("ended by"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["project", "role", "person__name", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person", "role"], condition=Q(ended_at__isnull=True),
                name="membership_unique_current_role",
                violation_error_message=_("This person already has this role in the project."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="membership_ends_after_start",
                violation_error_message=_("A role cannot end before it started."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} ({self.project.code})"


class Invitation(ProjectAudited, models.Model):
    """An invitation to the portal by e-mail: to a role in a project (by its manager), or as
    a national viewer (by an administrator, no project). The link's token is stored only as
    its hash; the link works once, until it expires or is withdrawn."""

    NATIONAL = "national"
    ROLE_CHOICES = [(Membership.Role.MANAGER.value, Membership.Role.MANAGER.label),
                    (Membership.Role.COORDINATOR.value, Membership.Role.COORDINATOR.label),
                    (Membership.Role.STEERING.value, Membership.Role.STEERING.label),
                    (NATIONAL, _("national viewer"))]

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations",
        verbose_name=_("project"),
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    # The subprojects a coordinator will report (ids of workpackages.Subproject, which this
    # app may not name: the workpackages invitation service checks and applies them).
    subproject_ids = models.JSONField(_("subprojects to report"), default=list, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("accepted by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.get_role_display()})"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


class UserProfile(models.Model):
    """What the portal remembers of a login besides the account: the language the person
    chose in the language menu. Pages, e-mails and the Excel import's answers use it
    (projects.languages)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile",
        verbose_name=_("user account"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                blank=True)

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.language or '-'})"
