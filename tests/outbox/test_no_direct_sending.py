"""Every email, text message and webhook goes through the outbox. A send that bypasses
it (a task enqueued after the commit, a message sent from a service) could be lost if
the process dies after the commit, or sent twice on a retry: these tests fail on it."""

import ast
import pathlib

import pytest

import parcours

ROOT = pathlib.Path(parcours.__file__).parent

# Tasks that may be enqueued directly: they send nothing to anyone outside.
ALLOWED_ENQUEUED = {
    "deliver_outbox_message",  # the outbox's own fast path
    "render_receipt_pdf",
    "render_decision_letter_pdf",
    "compute_stats",
    "get_task",  # the scheduler enqueues its periodic jobs
}
# Generic helpers that enqueue the task they are given: their callers are checked.
ENQUEUE_HELPERS = {"enqueue_on_commit"}
GENERIC = {ROOT / "worker" / "enqueue.py"}
# What sends to outsiders; only the outbox (and the transports themselves) may call it.
SENDING_CALLS = {"send", "send_mail", "send_mass_mail", "send_messages", "send_sms"}
# The transports, and the outbox that calls them.
TRANSPORTS = {
    ROOT / "outbox" / "services.py",
    ROOT / "channels" / "sms" / "__init__.py",
}


def sources():
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


def calls(path: pathlib.Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            yield node


def receiver_name(node: ast.Call) -> str:
    target = node.func.value
    if isinstance(target, ast.Call):
        target = target.func
    if isinstance(target, ast.Attribute):
        return target.attr
    return getattr(target, "id", "")


def enqueued(path: pathlib.Path):
    """The names of the tasks a module enqueues, with their line."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr == "enqueue":
            if path not in GENERIC:
                yield node.lineno, receiver_name(node)
        elif getattr(node.func, "id", "") in ENQUEUE_HELPERS and node.args:
            yield node.lineno, getattr(node.args[0], "id", ast.unparse(node.args[0]))


def test_no_task_is_enqueued_to_send_something_outside_the_outbox():
    found = [
        f"{path.relative_to(ROOT.parent)}:{line} {name}"
        for path in sources()
        for line, name in enqueued(path)
        if name not in ALLOWED_ENQUEUED
    ]
    assert found == [], "Record side effects with outbox_put (parcours.outbox) instead"


def test_nothing_is_sent_outside_the_outbox_handlers():
    found = [
        f"{path.relative_to(ROOT.parent)}:{node.lineno} .{node.func.attr}()"
        for path in sources()
        if path not in TRANSPORTS
        for node in calls(path)
        if node.func.attr in SENDING_CALLS
    ]
    assert found == [], "Return the message from an @outbox_handler instead of sending it"


def test_no_sending_task_is_left():
    """Tasks named send_* that send an email or an SMS are gone: only the periodic jobs
    that record what to send remain."""
    tasks = [
        f"{path.relative_to(ROOT.parent)}: {node.name}"
        for path in ROOT.rglob("tasks.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef)
        and any(
            isinstance(d, ast.Call) and getattr(d.func, "id", "") == "task"
            for d in node.decorator_list
        )
        and node.name.startswith("send_")
        and node.name not in {"send_appointment_reminders", "send_commitment_digests"}
    ]
    assert tasks == []


@pytest.mark.parametrize("name", sorted(SENDING_CALLS))
def test_the_scan_sees_a_direct_send(tmp_path, name):
    """The scan itself works: a module sending directly is caught."""
    module = tmp_path / "bad.py"
    module.write_text(f"def notify(message):\n    message.{name}()\n")
    assert [node.func.attr for node in calls(module)] == [name]


def test_the_scan_sees_a_sending_task_enqueued(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text(
        "def notify(pk):\n"
        "    transaction.on_commit(lambda: send_email.enqueue(pk=pk))\n"
        "    enqueue_on_commit(send_sms, pk=pk)\n"
    )
    assert sorted(name for _line, name in enqueued(module)) == ["send_email", "send_sms"]
