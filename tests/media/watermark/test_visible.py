import numpy as np
import pytest

from fansub.media.watermark import render
from fansub.media.watermark.visible import mark_text, visible_layer

PARAMS = {"platform": "Fan-Sub", "handle": "ada", "position": "bottom-right", "opacity": 0.22, "text_scale": 0.03}


def _changed(layer):
    return np.asarray(layer, dtype=np.int16) != 128


def test_text_names_platform_and_handle():
    assert mark_text("Fan-Sub", "@ada") == "Fan-Sub · @ada"


def test_corner_style_marks_only_the_chosen_corner():
    layer = _changed(visible_layer((1200, 800), style="corner", **PARAMS))
    assert layer[600:, 700:].any()
    assert not layer[:400, :].any() and not layer[:, :500].any()


@pytest.mark.parametrize("position", ["top-left", "top-right", "bottom-left", "center"])
def test_corner_positions(position):
    layer = _changed(visible_layer((1200, 800), style="corner", **{**PARAMS, "position": position}))
    ys, xs = np.nonzero(layer)
    cy, cx = ys.mean() / 800, xs.mean() / 1200
    expect_y = {"top": 0.0, "bottom": 1.0, "center": 0.5}[position.split("-")[0]]
    expect_x = {"left": 0.0, "right": 1.0}.get(position.split("-")[-1], 0.5)
    assert abs(cy - expect_y) < 0.5 and abs(cx - expect_x) < 0.5


def test_tiled_style_covers_the_whole_image():
    layer = _changed(visible_layer((1600, 1200), style="tiled", **PARAMS))
    quarters = [layer[:600, :800], layer[:600, 800:], layer[600:, :800], layer[600:, 800:]]
    assert all(q.mean() > 0.01 for q in quarters)
    assert layer.mean() < 0.35  # semi-transparent text, not a veil


def test_opacity_scales_the_mark():
    weak = np.asarray(visible_layer((800, 600), style="corner", **{**PARAMS, "opacity": 0.1}), dtype=np.int16)
    strong = np.asarray(visible_layer((800, 600), style="corner", **{**PARAMS, "opacity": 0.4}), dtype=np.int16)
    assert np.abs(strong - 128).max() > 3 * np.abs(weak - 128).max() * 0.9
    zero = visible_layer((800, 600), style="corner", **{**PARAMS, "opacity": 0.0})
    assert not _changed(zero).any()


@pytest.mark.parametrize(
    "override", [{"style": "diagonal"}, {"position": "middle"}, {"opacity": 1.5}, {"opacity": -0.1}]
)
def test_bad_arguments_refused(override):
    kwargs = {"style": "corner", **PARAMS, **override}
    with pytest.raises(ValueError):
        visible_layer((400, 300), **kwargs)


def test_layers_cached_per_viewer_and_bounded(settings):
    settings.WATERMARK_CACHE_SIZE = 2
    cache = render.visible_cache()
    cache.clear()
    a = render.cached_visible_layer((300, 200), "ada", "corner")
    assert render.cached_visible_layer((300, 200), "ada", "corner") is a
    render.cached_visible_layer((300, 200), "bob", "corner")
    render.cached_visible_layer((300, 200), "cyd", "corner")
    assert len(render.visible_cache()) == 2
    assert render.cached_visible_layer((300, 200), "ada", "corner") is not a  # evicted, rebuilt


def test_settings_drive_defaults(settings):
    settings.WATERMARK_STYLE = "corner"
    settings.WATERMARK_POSITION = "top-left"
    settings.WATERMARK_OPACITY = 0.3
    render.visible_cache().clear()
    layer = _changed(render.cached_visible_layer((1000, 700), "ada"))
    assert layer[:200, :600].any() and not layer[400:, :].any()
