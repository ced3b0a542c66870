"""Failed background tasks of the plugin: logged at ERROR and kept for staff, whatever the backend.

django-tasks announces every finished task with ``task_finished``, from the immediate backend as
from the database worker; an email task that fails there leaves the seat confirmed, so without
this nobody would know the confirmation never left.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.base import Task

from .models import TaskFailure

logger = logging.getLogger(__name__)

# Only the plugin's own tasks: a host watches its own in its own way.
PLUGIN_APPS = {"catalogue", "membership"}


def _is_plugin_task(path: str) -> bool:
    return path.split(".", 1)[0] in PLUGIN_APPS


def _last_line(traceback: str) -> str:
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def task_failure_record(*, task_result: TaskResult) -> TaskFailure | None:
    """Log a failed task of the plugin at ERROR (task, arguments, exception) and store it for
    staff. None, and nothing written, for a task that did not fail or is not the plugin's."""
    path = task_result.task.module_path
    if task_result.status != TaskResultStatus.FAILED or not _is_plugin_task(path):
        return None
    error = task_result.errors[-1] if task_result.errors else None
    traceback = error.traceback if error else ""
    exception_class = error.exception_class_path if error else ""
    last_line = _last_line(traceback)
    prefix, _, message = last_line.partition(": ")
    logger.error(
        "Tâche %s en échec (id %s, arguments %r, arguments nommés %r) : %s\n%s",
        path,
        task_result.id,
        task_result.args,
        task_result.kwargs,
        last_line or exception_class,
        traceback,
    )
    return TaskFailure.objects.create(
        task_path=path,
        task_result_id=str(task_result.id)[:64],
        backend=task_result.backend,
        args=task_result.args,
        kwargs=task_result.kwargs,
        exception_class=exception_class,
        message=message if message and " " not in prefix else last_line,
        traceback=traceback,
    )


def on_task_finished(sender, task_result: TaskResult, **kwargs) -> None:
    """Receiver of ``task_finished``: records failures, and never fails itself, since the
    backends send the signal from the code that runs the task (a request, the worker)."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    try:
        with transaction.atomic():
            task_failure_record(task_result=task_result)
    except Exception:
        logger.exception("Échec de l’enregistrement de la tâche en échec %s", task_result.id)


def task_failure_handle(*, failure: TaskFailure, by) -> TaskFailure:
    """Mark ``failure`` as handled by ``by`` (the staff member); a failure handled stays so."""
    if failure.handled_at is None:
        failure.handled_at = timezone.now()
        failure.handled_by = by
        failure.save(update_fields=["handled_at", "handled_by"])
    return failure


def task_failure_retry(*, failure: TaskFailure, by) -> None:
    """Enqueue ``failure``'s task again with the same arguments, once the transaction commits,
    and mark it handled. If the new run fails too, it is recorded as a new failure."""
    try:
        task = import_string(failure.task_path) if _is_plugin_task(failure.task_path) else None
    except ImportError:
        task = None  # renamed or removed since it failed
    if not isinstance(task, Task):
        raise ValidationError(
            f"La tâche « {failure.task_path} » n’existe plus dans le portail : "
            "elle ne peut pas être relancée.",
            code="unknown_task",
        )
    with transaction.atomic():
        task_failure_handle(failure=failure, by=by)
        args, kwargs = list(failure.args), dict(failure.kwargs)
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
