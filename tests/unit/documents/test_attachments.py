"""Images go after the claim data, introduced as evidence; the data block stays as it was."""

from __future__ import annotations

from claims.assessment import ClaimFacts, build_messages, extract_facts
from claims.attachments import IMAGES_NOTE, AttachedImage, image_line, message_text, with_images
from tools import samples as f


def test_images_ride_after_the_data_and_the_data_still_reads_back() -> None:
    facts = ClaimFacts.of(f.submission("P-1"), f.policy(), f.submission("P-1").amount, ["a: b"])
    messages = build_messages(facts)
    shown = with_images(messages, [AttachedImage("scan.png", "image/png", b"\x89PNG....")])
    parts = shown[-1]["content"]
    assert parts[0] == {"type": "text", "text": messages[-1]["content"]}
    assert parts[1] == {"type": "text", "text": IMAGES_NOTE}
    assert parts[2]["image_url"]["url"].startswith("data:image/png;base64,iVBOR")
    assert messages[-1]["content"] == message_text(parts[:1])  # the original is untouched
    assert extract_facts(shown) == facts


def test_no_images_no_change_and_the_line_for_a_model_that_cannot_see() -> None:
    messages = [{"role": "user", "content": "x"}]
    assert with_images(messages, []) == messages
    assert image_line(250_000) == "[an image of 244 KB was attached]"
    assert image_line(10) == "[an image of 1 KB was attached]"
