"""Draw the web app's install icons (web/src/icons/icon-<size>.png) in favicon.svg's design: a
white 7 on a dark rounded square. Run once when the design changes; the PNGs are committed.

    python -m tools.make_icons
"""

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "web" / "src" / "icons"
SIZES = (192, 512)
PAPER, INK = (17, 24, 39), (255, 255, 255)  # favicon.svg's #111827 and white


def icon(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), PAPER)
    draw = ImageDraw.Draw(image)
    pen = round(size * 0.09)
    top, bottom, left, right = size * 0.25, size * 0.78, size * 0.3, size * 0.7
    draw.line([(left, top), (right, top), (size * 0.45, bottom)], fill=INK, width=pen,
              joint="curve")
    return image


def main() -> None:
    ICONS.mkdir(exist_ok=True)
    for size in SIZES:
        icon(size).save(ICONS / f"icon-{size}.png", optimize=True)
        print(f"wrote {ICONS / f'icon-{size}.png'}")


if __name__ == "__main__":
    main()
