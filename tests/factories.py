"""factory-boy factories for the plan models, and helpers that create users in a role."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import ADMINISTRATOR, EVALUATOR, LIAISON, SUPERVISOR
from accounts.services import user_create
from tasks.models import (
    Department,
    KeyTask,
    Membership,
    Milestone,
    Plan,
    PlanSection,
    Region,
    RegionStaff,
    TaskDepartment,
)

PASSWORD = "demo1234"


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "420000"
    name = "湖北省"
    level = Region.Level.PROVINCE


class RegionFactory(DjangoModelFactory):
    """A prefecture (市州). Every one is called 示范市 so the region prefix of department names is known."""

    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"43{n:04d}")
    name = "示范市"
    level = Region.Level.PREFECTURE
    parent = factory.SubFactory(ProvinceFactory)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    region = factory.SubFactory(RegionFactory)
    code = factory.Sequence(lambda n: f"d{n}")
    name = factory.Sequence(lambda n: f"示范市第{n}局")
    short_name = factory.Sequence(lambda n: f"市第{n}局")
    position = factory.Sequence(lambda n: n)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Membership.Role.LIAISON


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    region = factory.SubFactory(RegionFactory)
    title = factory.Sequence(lambda n: f"示范市精神卫生规划{n}")
    start_year = 2021
    end_year = 2025
    status = Plan.Status.ACTIVE


class PlanSectionFactory(DjangoModelFactory):
    class Meta:
        model = PlanSection

    plan = factory.SubFactory(PlanFactory)
    parent = None
    code = factory.Sequence(lambda n: f"{'一二三四五六七八九十'[n % 10]}、")
    title = factory.Sequence(lambda n: f"第{n}章")
    position = factory.Sequence(lambda n: n)


class KeyTaskFactory(DjangoModelFactory):
    class Meta:
        model = KeyTask

    plan = factory.SubFactory(PlanFactory)
    section = None
    code = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"重点任务{n}")
    content = factory.Sequence(lambda n: f"第{n}项重点任务的具体内容。")
    start_date = datetime.date(2021, 1, 1)
    due_date = datetime.date(2025, 12, 31)


class TaskDepartmentFactory(DjangoModelFactory):
    class Meta:
        model = TaskDepartment

    task = factory.SubFactory(KeyTaskFactory)
    department = factory.SubFactory(DepartmentFactory, region=factory.SelfAttribute("..task.plan.region"))
    role = TaskDepartment.Role.LEAD
    position = 0


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    task = factory.SubFactory(KeyTaskFactory)
    title = factory.Sequence(lambda n: f"节点{n}")
    due_date = datetime.date(2023, 12, 31)
    evidence_required = "工作报告"
    position = 0


# --- users in a role ---------------------------------------------------------------------


_counter = iter(range(1, 1_000_000))


def make_user(role: str, username: str | None = None, region: Region | None = None, **kwargs) -> User:
    """A user in ``role`` (the role group comes from migration accounts/0002). Staff are placed in
    ``region``, by default the province every factory region belongs to (so they see all of them)."""
    username = username or f"{role}{next(_counter)}"
    user = user_create(username=username, password=PASSWORD, role=role, **kwargs)
    if role != LIAISON:  # placed directly: a test's "nothing changed" snapshot should not see an audit entry
        RegionStaff.objects.create(user=user, region=region or ProvinceFactory())
    return user


def make_administrator(username: str | None = None, region: Region | None = None) -> User:
    return make_user(ADMINISTRATOR, username, region)


def make_supervisor(username: str | None = None, region: Region | None = None) -> User:
    return make_user(SUPERVISOR, username, region)


def make_evaluator(username: str | None = None, region: Region | None = None) -> User:
    return make_user(EVALUATOR, username, region)


def make_liaison(department: Department, username: str | None = None) -> User:
    user = make_user(LIAISON, username)
    MembershipFactory(user=user, department=department, role=Membership.Role.LIAISON)
    return user
