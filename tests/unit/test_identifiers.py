import pytest

from cio_tui.customerio.identifiers import Identifier, IdentifierError, IdKind, check_new_id


def test_detect_kinds() -> None:
    assert Identifier.detect("cio_a3000001") == Identifier(kind=IdKind.CIO_ID, value="a3000001")
    assert Identifier.detect("a3000001", "cio_id").value == "a3000001"
    assert Identifier.detect(" Ann@Example.com ").kind is IdKind.EMAIL
    assert Identifier.detect("user-42").kind is IdKind.ID


def test_path_and_body_forms() -> None:
    assert Identifier.cio("cio_a3000001").path_segment() == "cio_a3000001"
    assert Identifier.cio("a3000001").body() == {"cio_id": "a3000001"}
    assert Identifier.email("a+b@x.co").path_segment() == "a%2Bb%40x.co"
    assert Identifier.id("u 1/2").path_segment() == "u%201%2F2"


def test_id_that_would_be_misread_is_refused_in_path() -> None:
    with pytest.raises(IdentifierError, match="read by Customer.io as an email"):
        Identifier.id("ann@example.com").path_segment()
    with pytest.raises(IdentifierError, match="cio_id"):
        Identifier.id("cio_123").path_segment()


@pytest.mark.parametrize(
    ("value", "why"),
    [("", "empty"), ("a@b.co", "email"), ("cio_x", "cio_"), ("x" * 151, "151 bytes"), (" u1", "spaces")],
)
def test_check_new_id(value: str, why: str) -> None:
    with pytest.raises(IdentifierError, match=why):
        check_new_id(value)


def test_invalid_email_and_long_id() -> None:
    with pytest.raises(ValueError, match="not a valid email"):
        Identifier.email("nope")
    with pytest.raises(ValueError, match="at most 150 bytes"):
        Identifier.id("é" * 76)


def test_operator_input_refusals_are_identifier_errors_with_the_plain_reason():
    """A malformed email, a 151-byte id or a bad cio_id is refused with a sentence, not pydantic's report."""
    for text, kind, reason in [
        ("not-an-email@", None, "'not-an-email@' is not a valid email address"),
        ("bob@@example.com", "email", "'bob@@example.com' is not a valid email address"),
        ("x" * 151, None, "an id is at most 150 bytes; this one is 151"),
        ("cio_no-dashes", None, "a cio_id is letters and digits only"),
    ]:
        with pytest.raises(IdentifierError) as caught:
            Identifier.detect(text, kind)
        assert type(caught.value) is IdentifierError
        assert str(caught.value).startswith(reason) and "pydantic" not in str(caught.value)
