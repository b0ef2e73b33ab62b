"""红黄绿灯: the rules live in ``tasks.lights`` (the task's own stored light); the sweep calls them."""

from tasks.lights import lights_refresh, task_light, task_light_refresh

__all__ = ["lights_refresh", "task_light", "task_light_refresh"]
