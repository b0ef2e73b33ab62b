from xml.etree import ElementTree

from common.charts import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_a_bar_chart_is_valid_svg_with_a_title_and_its_numbers_described():
    svg = bar_chart(title="各部门红黄绿灯", categories=["市卫生健康委", "市公安局"], series=[Series("红灯", [2, 0]), Series("绿灯", [10, 1])], stacked=True)
    root = ElementTree.fromstring(str(svg))
    assert root.find(f"{SVG}title").text == "各部门红黄绿灯"
    assert "市卫生健康委: 红灯 2, 绿灯 10" in root.find(f"{SVG}desc").text
    assert len(root.findall(f"{SVG}rect")) == 4
    assert root.get("role") == "img"


def test_a_line_chart_leaves_a_gap_for_missing_values_and_escapes_text():
    svg = line_chart(title="<指标>", labels=["2021", "2022", "2023"], series=[Series("实际值", [70, None, 82]), Series("目标值", [75, 78, 80], dashed=True)], unit="%")
    root = ElementTree.fromstring(str(svg))
    assert root.find(f"{SVG}title").text == "<指标>"
    assert len(root.findall(f"{SVG}circle")) == 5  # 2 values + 3 targets
    polylines = root.findall(f"{SVG}polyline")
    assert len(polylines) == 1  # the actual values are broken by the gap; the targets form one line
    assert "2022 —" in root.find(f"{SVG}desc").text


def test_empty_charts_do_not_fail():
    assert "<svg" in bar_chart(title="空", categories=[], series=[])
    assert "<svg" in line_chart(title="空", labels=[], series=[])


def test_a_trend_axis_starts_near_its_values_not_at_zero():
    svg = line_chart(title="规范管理率", labels=["2021", "2022", "2023", "2024"], series=[Series("实际值", [76.5, 77.8, 78.4, 78.6])], unit="%")
    root = ElementTree.fromstring(str(svg))
    ticks = [float(t.text.rstrip("%")) for t in root.findall(f"{SVG}text") if t.text and t.text.endswith("%")]
    assert ticks and min(ticks) > 50 and min(ticks) <= 76.5 and max(ticks) >= 78.6
    # values that reach zero keep zero on the axis
    svg = line_chart(title="失访", labels=["2023", "2024"], series=[Series("实际值", [0, 3])])
    texts = [t.text for t in ElementTree.fromstring(str(svg)).findall(f"{SVG}text")]
    assert "0" in texts
