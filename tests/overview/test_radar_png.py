"""The radar as a PNG: a real image of a sensible size, drawn from the same filtered and
visible signals as the page, with the bundled font."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from organizations.roles import Role
from overview import png
from overview.drawing import LEVEL_COLOURS
from signals.models import Level

from .test_radar_views import RADAR

PNG = reverse("overview:radar_png", args=["kungsbacka"])

pytestmark = pytest.mark.usefixtures("english")


def image(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "PNG"
    return picture.convert("RGB")


def levels_drawn(picture: Image.Image) -> set[str]:
    """The levels whose colour fills some pixels: a mark's inside is its level's colour."""
    colours = {colour for _count, colour in picture.getcolors(maxcolors=1 << 20)}
    return {
        level.value
        for level, hex_colour in LEVEL_COLOURS.items()
        if tuple(int(hex_colour[n : n + 2], 16) for n in (1, 3, 5)) in colours
    }


def test_the_png_is_a_real_picture_of_a_sensible_size(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(PNG)
    picture = image(response)
    # Twice the SVG's own size: sharp on a slide, a few hundred kilobytes.
    assert 1600 <= picture.width <= png.MAX_WIDTH
    assert 0.9 <= picture.height / picture.width <= 1.2
    assert 20_000 < len(response.content) < 2_000_000
    assert picture.getpixel((2, 2)) == (255, 255, 255)  # a white background, not transparent
    assert response["Content-Disposition"].startswith(
        'attachment; filename="signalradar-kungsbacka-'
    )
    assert response["Content-Disposition"].endswith('.png"')


def test_the_bundled_font_is_known_to_the_drawing(client_for, members, register):
    client_for(members[Role.SCANNER]).get(PNG)
    assert png._add_bundled_fonts() is True


def test_the_filters_apply(client_for, members, register):
    client = client_for(members[Role.SCANNER])
    assert levels_drawn(image(client.get(PNG))) == {"inner", "near", "outer"}
    assert levels_drawn(image(client.get(PNG, {"level": Level.OUTER}))) == {"outer"}
    assert levels_drawn(image(client.get(PNG, {"status": "draft"}))) == {"inner"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.EDITOR, {"inner", "near", "outer"}),  # the draft is the inner one
        (Role.MANAGEMENT, {"near", "outer"}),
        (Role.STAFF, {"near"}),  # only the signal shared with them
    ],
)
def test_each_role_sees_what_it_may(client_for, members, register, role, expected):
    assert levels_drawn(image(client_for(members[role]).get(PNG))) == expected


def test_bad_input_still_makes_a_picture(client_for, members, register):
    response = client_for(members[Role.SCANNER]).get(PNG, {"level": "zzz", "area": "\x00"})
    image(response)


def test_another_organisations_member_gets_404(client_for, other_members, register, foreign):
    for role in Role.values:
        assert client_for(other_members[role]).get(PNG).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(PNG)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_links_to_the_png_with_its_filters(client_for, members, register):
    html = client_for(members[Role.SCANNER]).get(RADAR, {"level": "outer"}).content.decode()
    assert f'href="{PNG}?level=outer" download' in html


def test_a_number_beside_each_dot_when_asked():
    from overview.drawing import radar_svg
    from overview.radar import RadarItem, layout

    radar = layout(
        [RadarItem(pk=7, title="Sju", level="near", horizon="now", impact=2, sector="a")],
        [("a", "A")],
    )
    svg = radar_svg(
        radar, href=lambda pk: f"#s{pk}", title="T", sector_heading="S", numbers={7: "3"}
    )
    link = svg[svg.index('<a href="#s7"') :]
    link = link[: link.index("</a>")]
    # The number on its halo (hidden from screen readers: the link is named), then the number.
    assert link.count(">3</text>") == 2
    assert 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" aria-hidden="true">3<' in link


def test_a_long_sector_label_shrinks_to_stay_in_the_picture_or_is_cut():
    from overview.drawing import _fitted_label

    assert _fitted_label("Klimat", 20, 150) == (["Klimat"], 20)
    lines, size = _fitted_label("Samhällsbyggnad", 20, 147)
    assert lines == ["Samhällsbyggnad"] and 15.6 <= size < 20
    lines, size = _fitted_label("Samhällsbyggnadsförvaltningen", 20, 147)
    assert size == pytest.approx(15.6) and lines[0].endswith("…")
    assert len(lines[0]) * 0.56 * size <= 147
