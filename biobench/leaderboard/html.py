"""The leaderboard as one self-contained HTML page: the table (sortable by any column, missing values last in
both directions, numbers as numbers), its notes, and the score-against-cost plots as inline SVG. No network:
every style and script is inline.

The page sorts itself on load from its address: ``board.html#sort=mean&dir=desc`` (a column's key: ``model``,
``task-<task>``, ``family-<family>``, ``mean``, ``blurb``, ``parameters``, ``latency``, ``seeds``, ...), and
records what it did in the table's ``data-sorted`` attribute; clicking a header sorts and updates the address.
"""

from __future__ import annotations

from html import escape

from biobench.leaderboard import _words as words
from biobench.leaderboard.columns import Column, columns
from biobench.leaderboard.plots import plots
from biobench.leaderboard.table import Leaderboard, Row

ASCENDING_FIRST = {"model", "parameters", "trainable", "size", "latency", "precision"}  # smaller reads better
SCORES = {"task", "family", "mean"}


def render_html(board: Leaderboard) -> str:
    if not board.rows:
        body = "<p>No results found.</p>"
    else:
        shown = columns(board)
        best = {column.key: _best(board, column) for column in shown if column.group in SCORES}
        head = "".join(_header(column, board, index, shown) for index, column in enumerate(shown))
        rows = "\n".join(_row(row, shown, best) for row in board.rows)
        guides = "\n".join(_row(row, shown, {}) for row in board.guides)
        notes = "".join(f"<li>{_code(escape(note))}</li>" for note in words.notes(board))
        figures = "".join(_figure(plot) for plot in plots(board))
        body = (f'<div class="board"><table id="board"><thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>'
                f'<tfoot>\n{guides}\n</tfoot></table></div>'
                f'\n<p class="hint">{len(board.rows)} rows. Click a column to sort it; click again '
                f"to reverse. Missing values (–) stay last either way. Scores in bold: the best of their column.</p>"
                f'\n<ul class="notes">{notes}</ul>\n<h2>Score against cost</h2>\n<div class="plots">{figures}</div>')
    subtitle = escape(words.provenance(board)) if board.rows else ""
    return PAGE.format(title=escape(board.title), subtitle=subtitle, body=body, style=STYLE, script=SCRIPT)


def _header(column: Column, board: Leaderboard, index: int, shown: list[Column]) -> str:
    first = "asc" if column.key in ASCENDING_FIRST else "desc"
    metric = f"<small>{escape(board.metrics[column.title])}</small>" if column.group == "task" else ""
    classes = [column.group] + (["start"] if index and shown[index - 1].group != column.group else [])
    return (f'<th class="{" ".join(classes)}" data-key="{escape(column.key)}" data-first="{first}" tabindex="0" '
            f'title="sort by {escape(column.title)}">{escape(column.title)}{metric}</th>')


def _row(row: Row, shown: list[Column], best: dict[str, float | None]) -> str:
    cells = []
    for index, column in enumerate(shown):
        value = column.value(row)
        classes = [column.group] + (["start"] if index and shown[index - 1].group != column.group else [])
        if column.key == "model":
            setting = "" if row.setting == "defaults" else f' <span class="setting">{escape(row.setting)}</span>'
            badge = '<span class="badge" title="lacks some tasks: no means">partial</span>' if row.partial else ""
            name = f"<code>{escape(row.name)}</code>" if row.kind == "model" else f"<em>{escape(row.name)}</em>"
            text = f"{name}{badge}{setting}"
        elif value is None:
            classes.append("missing")
            text = words.MISSING
        else:
            text = escape(column.text(row))
            if column.runs and row.kind != "reference":
                text += f'<span class="n">n={column.runs(row)}</span>'
            if best.get(column.key) is not None and value == best[column.key]:
                classes.append("best")
        sort_value = "" if value is None else escape(str(value))
        cells.append(f'<td class="{" ".join(classes)}" data-value="{sort_value}">{text}</td>')
    kind = row.kind if row.kind != "model" else \
        "partial" if row.partial else ("profile" if not row.evaluated else "complete")
    return f'<tr class="{kind}" data-model="{escape(row.model)}">{"".join(cells)}</tr>'


def _best(board: Leaderboard, column: Column) -> float | None:
    values = [column.value(row) for row in board.rows if column.value(row) is not None]
    return max(values) if len(set(values)) > 1 else None  # one value, or all alike: nothing stands out


def _figure(plot) -> str:
    content = plot.svg or f'<p class="empty">{_code(escape(plot.empty))}</p>'
    missing = f'<p class="missing-rows">{escape(plot.missing)}</p>' if plot.missing else ""
    if plot.shared and plot.svg:
        missing = f'<p class="missing-rows">Every point: {escape(plot.shared)}.</p>' + missing
    return f'<figure id="figure-{plot.key}"><figcaption>{escape(plot.title)}</figcaption>{content}{missing}</figure>'


def _code(text: str) -> str:
    """Backquoted words of a note as code."""
    parts = text.split("`")
    return "".join(f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts))


STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222;
       margin: 20px 22px; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 26px 0 8px; }
.made { color: #555; margin: 0 0 14px; }
.board { max-height: 68vh; overflow: auto; width: fit-content; max-width: 100%; border: 1px solid #d0d4da;
         border-radius: 4px; }
table { border-collapse: separate; border-spacing: 0; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #eceef1; white-space: nowrap; text-align: right; }
thead th { position: sticky; top: 0; z-index: 2; background: #f3f5f8; border-bottom: 2px solid #b9c0ca;
           cursor: pointer; vertical-align: bottom; user-select: none; }
thead th small { display: block; color: #777; font-weight: normal; font-size: 11px; }
thead th:hover, thead th:focus { background: #e6ebf2; outline: none; }
th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 10px; }
th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 10px; }
th.model, td.model { position: sticky; left: 0; text-align: left; background: #fff; z-index: 1;
                     border-right: 1px solid #d0d4da; }
thead th.model { z-index: 3; background: #f3f5f8; }
td.model code { font-size: 13px; }
.setting { display: block; color: #666; font-size: 12px; line-height: 1.2; }
tr.profile td.model .setting { font-style: italic; }
.badge { margin-left: 6px; font-size: 10px; color: #8a5a00; border: 1px solid #e0c080; border-radius: 3px;
         padding: 0 3px; }
.start { border-left: 1px solid #d0d4da; }
td.family, th.family { background: #fafbfc; }
td.mean { font-weight: 600; }
td.best { color: #0b5394; font-weight: 700; }
td.missing { color: #aaa; text-align: center; }
td .n { color: #999; font-size: 11px; margin-left: 5px; }
tbody tr:hover td { background: #f6f9ff; }
tfoot td { color: #555; background: #fafafa; }
tfoot tr.baseline td { border-top: 2px solid #b9c0ca; }
.hint { color: #666; font-size: 12px; margin: 6px 0 0; }
.notes { color: #444; font-size: 13px; padding-left: 18px; max-width: 1300px; }
.notes li { margin: 3px 0; }
.plots { display: flex; flex-wrap: wrap; gap: 28px; }
figure { margin: 0; flex: 0 1 640px; min-width: 420px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.plot { width: 100%; height: auto; display: block; }
.empty, .missing-rows { color: #666; font-size: 13px; }
"""

SCRIPT = """
(function () {
  var table = document.getElementById('board');
  if (!table) return;
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function value(row, index) {
    var raw = row.cells[index].getAttribute('data-value');
    if (raw === null || raw === '') return null;
    var number = Number(raw);
    return isNaN(number) ? raw : number;
  }
  function compare(x, y) {
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return String(x).localeCompare(String(y));
  }
  function sortBy(key, dir) {
    var index = heads.findIndex(function (th) { return th.getAttribute('data-key') === key; });
    if (index < 0) return;
    var sign = dir === 'asc' ? 1 : -1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, index), y = value(b, index);
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
      return sign * compare(x, y);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (th) { th.removeAttribute('aria-sort'); });
    heads[index].setAttribute('aria-sort', dir === 'asc' ? 'ascending' : 'descending');
    table.setAttribute('data-sorted', key + ' ' + dir);
  }
  function click(th) {
    var current = th.getAttribute('aria-sort');
    var dir = current ? (current === 'ascending' ? 'desc' : 'asc') : th.getAttribute('data-first');
    sortBy(th.getAttribute('data-key'), dir);
    history.replaceState(null, '', '#sort=' + encodeURIComponent(th.getAttribute('data-key')) + '&dir=' + dir);
  }
  heads.forEach(function (th) {
    th.addEventListener('click', function () { click(th); });
    th.addEventListener('keydown', function (event) { if (event.key === 'Enter') click(th); });
  });
  function fromAddress() {
    var wanted = new URLSearchParams(location.hash.slice(1));
    if (wanted.get('sort')) sortBy(wanted.get('sort'), wanted.get('dir') === 'asc' ? 'asc' : 'desc');
  }
  window.addEventListener('hashchange', fromAddress);
  fromAddress();
})();
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style></head>
<body>
<h1>{title}</h1>
<p class="made">{subtitle}</p>
{body}
<script>{script}</script>
</body></html>
"""
