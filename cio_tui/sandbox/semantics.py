"""What a Track write does to the workspace (reference section 6), independent of HTTP.

Every public method runs in one store transaction and raises ``InvalidRequest`` for what Customer.io answers 400.
Everything else "succeeds" (200), including logical failures, which leave a ``failed_attribute_change`` activity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cio_tui.sandbox.settings import WorkspaceFlags
from cio_tui.sandbox.store import Person, Store, norm_email
from cio_tui.sandbox.validation import MAX_ATTRIBUTES, Ident, InvalidRequest, check_attributes, check_event

_IGNORED = ("cio_id", "cio_relationships", "_timestamp")


def _same(kind: str, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return norm_email(a) == norm_email(b) if kind == "email" else a == b


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _unix(value: Any) -> int:
    """``created_at`` is unix seconds (a number, or a string of digits)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidRequest("created_at must be a unix timestamp in seconds", "created_at")
    try:
        return int(float(value))
    except ValueError as exc:
        raise InvalidRequest("created_at must be a unix timestamp in seconds", "created_at") from exc


class Semantics:
    def __init__(self, store: Store, flags: Callable[[], WorkspaceFlags], clock: Callable[[], int]) -> None:
        self.store = store
        self.flags = flags
        self.clock = clock

    # -- lookup -------------------------------------------------------------------------------------
    def find(self, who: Ident) -> list[Person]:
        """People an identifier names, oldest first (emails are not unique in ID-only or legacy data)."""
        if who.kind == "cio_id":
            p = self.store.by_cio(who.value)
            return [p] if p else []
        if who.kind == "email":
            return self.store.by_email(who.value)
        return self.store.by_id(who.value)

    def resolve(self, who: Ident) -> Person | None:
        found = self.find(who)
        return found[0] if found else None

    def _blocked(self, *idents: Ident | None) -> bool:
        return any(i is not None and self.store.is_suppressed(i.kind, i.value) for i in idents)

    def _fail(self, p: Person, attribute: str, value: Any, reason: str, other: Person | None = None) -> None:
        data: dict[str, Any] = {"attribute": attribute, "value": value, "reason": reason}
        if other is not None:
            data["conflicting_cio_id"] = other.cio_id
        self.store.add_activity(p.cio_id, "failed_attribute_change", attribute, self.clock(), data)

    # -- identify -----------------------------------------------------------------------------------
    def identify(self, path: Ident, body: dict[str, Any]) -> None:
        """``PUT /api/v1/customers/{path}`` (and v2 identify, whose ``identifiers`` play the path's role)."""
        if not isinstance(body, dict):
            raise InvalidRequest("the request body must be a JSON object")
        check_attributes(body)
        flags = self.flags()
        body = dict(body)
        update_only = bool(body.pop("_update", False))
        new_id = _text(body.pop("id", None))
        raw_email = body.pop("email", None)
        for key in _IGNORED:
            body.pop(key, None)
        new_email = _text(raw_email) if flags.email_is_identifier else None
        if not flags.email_is_identifier and "email" not in body and raw_email is not None:
            body["__email"] = raw_email  # ID-only: email is a plain attribute (kept in the email column)
        with self.store.tx():
            if self._blocked(
                path,
                Ident("id", new_id) if new_id else None,
                Ident("email", new_email) if new_email else None,
            ):
                return
            target = self._resolve_identify(path, new_id, new_email, update_only, flags)
            if target is not None:
                self._apply(target, body)

    def _resolve_identify(
        self, path: Ident, new_id: str | None, new_email: str | None, update_only: bool, flags: WorkspaceFlags
    ) -> Person | None:
        if path.kind == "cio_id":
            p = self.store.by_cio(path.value)
            if p is None:
                return None  # silently dropped
            for kind, value in (("id", new_id), ("email", new_email)):
                if value is not None and not _same(kind, getattr(p, kind), value):
                    self._change(p, kind, value, flags)
            return p
        pkind = path.kind
        okind = "email" if pkind == "id" else "id"
        body_same = new_id if pkind == "id" else new_email
        body_other = new_email if pkind == "id" else new_id
        matches = self.find(path)
        if matches:
            p = matches[0]
            if body_same is not None and not _same(pkind, body_same, path.value):
                self._fail(p, pkind, body_same, f"changing an {pkind} that is set needs the cio_id path")
            if body_other is None or _same(okind, getattr(p, okind), body_other):
                return p
            others = [q for q in self.find(Ident(okind, body_other)) if q.pk != p.pk]
            if others:
                return self._two_people(p, others, pkind, len(matches), body_other, flags)
            if getattr(p, okind) is None:
                setattr(p, okind, body_other)
            elif okind == "email" and flags.email_update_by_id:
                p.email = body_other
            else:
                self._fail(p, okind, body_other, f"the person already has a different {okind}; use the cio_id path")
            return p
        if body_other is not None:
            holders = self.find(Ident(okind, body_other))
            if holders:
                q = holders[0]
                if getattr(q, pkind) is None:
                    setattr(q, pkind, path.value)  # e.g. a lead gets its id
                    return q
                self._fail(q, pkind, path.value, f"the person already has a different {pkind}")
                return None
        if update_only:
            return None
        ids = {pkind: path.value, okind: body_other}
        return self._create(ids["id"], ids["email"])

    def _create(self, id_: str | None, email: str | None) -> Person:
        p = self.store.insert_person(id=id_, email=email, created_at=self.clock(), attrs={})
        self.store.add_activity(p.cio_id, "profile_create", None, p.created_at, {})
        return p

    def _change(self, p: Person, kind: str, value: str, flags: WorkspaceFlags) -> None:
        """Set or change an identifier through the cio_id path; another holder makes it a failed change."""
        if kind == "email" and not flags.email_is_identifier:
            p.email = value
            return
        holders = [q for q in self.find(Ident(kind, value)) if q.pk != p.pk]
        if holders:
            self._fail(p, kind, value, f"the {kind} belongs to another person", holders[0])
        else:
            setattr(p, kind, value)

    def _two_people(
        self, p: Person, others: list[Person], pkind: str, path_matches: int, value: str, flags: WorkspaceFlags
    ) -> Person:
        """Path and body name different people: auto-merge when its exact conditions hold, else a failed change."""
        q = others[0]
        by_id, by_email = (p, q) if pkind == "id" else (q, p)
        if (
            flags.auto_merge
            and flags.email_is_identifier
            and path_matches == 1
            and len(others) == 1
            and by_id.email is None
            and by_email.id is None
        ):
            primary, secondary = sorted((p, q), key=lambda x: (x.created_at, x.pk))
            return self._merge_people(primary, secondary, automatic=True)
        okind = "email" if pkind == "id" else "id"
        self._fail(p, okind, value, f"the {okind} belongs to another person", q)
        return p

    def _apply(self, p: Person, body: dict[str, Any]) -> None:
        if "__email" in body:
            p.email = _text(body.pop("__email"))
        if "created_at" in body:
            p.created_at = _unix(body.pop("created_at"))
        if "unsubscribed" in body:
            p.unsubscribed = body.pop("unsubscribed") in (True, "true", 1, "1")
        for key, value in body.items():
            if value is None or value == "":
                p.attrs.pop(key, None)
            else:
                p.attrs[key] = value
        if len(p.attrs) > MAX_ATTRIBUTES:
            raise InvalidRequest(f"a person can have at most {MAX_ATTRIBUTES} attributes", "attributes")
        p.updated_at = self.clock()
        self.store.save_person(p)

    # -- merge --------------------------------------------------------------------------------------
    def merge(self, primary: Ident, secondary: Ident) -> None:
        with self.store.tx():
            p, s = self.resolve(primary), self.resolve(secondary)
            if p is None or s is None or p.pk == s.pk:
                return  # the primary must exist; nothing happens otherwise
            self._merge_people(p, s, automatic=False)

    def _merge_people(self, p: Person, s: Person, *, automatic: bool) -> Person:
        """Secondary deleted; primary keeps its values and fills missing ones; history moves."""
        self.store.move_history(s.cio_id, p.cio_id)
        self.store.delete_person(s.cio_id)
        if p.id is None:
            p.id = s.id
        if p.email is None:
            p.email = s.email
        for key, value in s.attrs.items():
            if p.attrs.get(key) in (None, ""):
                p.attrs[key] = value
        p.updated_at = self.clock()
        self.store.save_person(p)
        data = {"merged_cio_id": s.cio_id, "merged_id": s.id, "merged_email": s.email, "automatic": automatic}
        self.store.add_activity(p.cio_id, "profile_merge", None, self.clock(), data)
        return p

    # -- delete / suppress --------------------------------------------------------------------------
    def delete(self, who: Ident) -> None:
        with self.store.tx():
            p = self.resolve(who)
            if p is not None:
                self.store.delete_person(p.cio_id)

    def suppress(self, who: Ident) -> None:
        """Delete the profile and block every identifier it had (or the one named, if nobody has it)."""
        with self.store.tx():
            p = self.resolve(who)
            if p is None:
                if who.kind != "cio_id":
                    self.store.suppress([(who.kind, who.value)])
                return
            idents = [("cio_id", p.cio_id)]
            idents += [(k, v) for k, v in (("id", p.id), ("email", p.email)) if v]
            self.store.suppress(idents)
            self.store.delete_person(p.cio_id)

    def unsuppress(self, who: Ident) -> None:
        """Free the identifiers; the profile is not restored."""
        with self.store.tx():
            self.store.unsuppress(who.kind, who.value)

    # -- events and devices -------------------------------------------------------------------------
    def _person_for_write(self, who: Ident) -> Person | None:
        """Events create the person they name (except through an unknown cio_id)."""
        if self._blocked(who):
            return None
        p = self.resolve(who)
        if p is None and who.kind != "cio_id":
            kw = {"id": None, "email": None, who.kind: who.value}
            p = self._create(kw["id"], kw["email"])
        return p

    def track_event(self, who: Ident, name: Any, data: Any, *, type_: str = "event", ts: Any = None) -> None:
        check_event(name, data)
        with self.store.tx():
            p = self._person_for_write(who)
            if p is not None:
                when = int(ts) if isinstance(ts, int | float) else self.clock()
                self.store.add_activity(p.cio_id, type_, name, when, data if isinstance(data, dict) else {})

    def add_device(self, who: Ident, device: Any) -> None:
        if not isinstance(device, dict) or not isinstance(device.get("id") or device.get("token"), str):
            raise InvalidRequest("device.id is required", "device")
        with self.store.tx():
            p = self._person_for_write(who)
            if p is not None:
                last = device.get("last_used")
                self.store.upsert_device(
                    p.cio_id, device.get("id") or device["token"], device.get("platform"),
                    int(last) if isinstance(last, int | float) else self.clock(),
                )

    def delete_device(self, who: Ident, device_id: str) -> None:
        with self.store.tx():
            p = self.resolve(who)
            if p is not None:
                self.store.delete_device(p.cio_id, device_id)
