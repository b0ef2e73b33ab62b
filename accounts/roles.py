"""The four roles, as groups with permissions. The only place that says which role may do what.

Liaisons get no global permission: what they may touch follows from their department
memberships (see ``tasks.access``). Migrations call :func:`sync_role_groups` whenever a
permission is added, so a role's rights are always exactly those listed here.
"""

from django.utils.translation import gettext_lazy as _

LIAISON = "liaison"
SUPERVISOR = "supervisor"
EVALUATOR = "evaluator"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    LIAISON: _("Department liaison"),
    SUPERVISOR: _("Supervisor"),
    EVALUATOR: _("Evaluator"),
    ADMINISTRATOR: _("Administrator"),
}

_ORG_ADMIN = [
    f"{app}.{action}_{model}"
    for app, model in [
        ("tasks", "region"),
        ("tasks", "regionstaff"),
        ("tasks", "department"),
        ("tasks", "departmentalias"),
        ("tasks", "membership"),
        ("tasks", "plan"),
        ("tasks", "plansection"),
        ("tasks", "keytask"),
        ("tasks", "taskdepartment"),
        ("tasks", "annualtarget"),
        ("tasks", "milestone"),
        ("accounts", "user"),
    ]
    for action in ("add", "change", "view")
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    LIAISON: [],
    SUPERVISOR: [
        "tasks.view_all_tasks",
        "tasks.export_plan",
        "tasks.review_progressreport",
        "tasks.cascade_plan",
        "supervision.issue_supervisionnotice",
        "evaluation.sign_off",
        "evaluation.add_generatedreport",
        "evaluation.view_generatedreport",
    ],
    EVALUATOR: ["tasks.view_all_tasks", "tasks.export_plan", "evaluation.view_generatedreport"],
    ADMINISTRATOR: [
        "tasks.view_all_tasks",
        "tasks.export_plan",
        "tasks.import_plan",
        "tasks.cascade_plan",
        "audit.view_auditentry",
        "auth.view_group",
        "evaluation.change_scoringrubric",
        # Login throttling (django-axes): see who is locked out, unlock by deleting the attempt.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        *_ORG_ADMIN,
    ],
}


def sync_role_groups(apps) -> None:
    """Create the role groups and give each exactly its permissions (idempotent; for migrations)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        if getattr(app_config, "models_module", None) is None:  # migration state: pretend there are models
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
        else:
            create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = []
        for name in names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None:
                raise LookupError(
                    f"Permission {name} does not exist; add the migration that defines it first"
                )
            perms.append(perm)
        group.permissions.set(perms)
