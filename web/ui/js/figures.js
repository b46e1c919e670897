// figures.js: reported figures over time as inline SVG, drawn as reported:
// a range is a bar from low to high, "more than" an arrow open upwards,
// "up to"/"less than" a bar from zero, an estimate a point. Each mark links
// to the span of its source; a table under each chart says the same in words.
import { api, el, dayOf, dayStr, actorLabel, places, figureText, spanHref, num, ready } from './common.js';

const $ = id => document.getElementById(id);
const NS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...kids) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) n.setAttribute(k, v);
  for (const k of kids) n.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return n;
}

const FIRST = ['displaced', 'returned', 'peacekeepers'];
const W = 760, H = 260, M = { l: 70, r: 20, t: 16, b: 34 };

function firstDay(v) {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec((v || '').replace(/^[<>~]/, ''));
  return m ? dayOf(`${m[1]}-${m[2] || '01'}-${m[3] || '01'}`) : null;
}

// top is the highest value a figure reaches (for the axis).
function top(f) { return Math.max(f.best ?? 0, f.low ?? 0, f.high ?? 0); }

async function chart(metric, claims) {
  const ps = await places();
  const pts = claims.filter(c => c.figure && firstDay(c.valid.from) != null);
  let x0 = Infinity, x1 = -Infinity, y1 = 0;
  for (const c of pts) {
    const a = firstDay(c.valid.from), b = firstDay(c.valid.to) ?? a;
    x0 = Math.min(x0, a); x1 = Math.max(x1, b); y1 = Math.max(y1, top(c.figure));
  }
  if (!pts.length) return null;
  if (x1 - x0 < 10) { x0 -= 5; x1 += 5; }
  const pad = (x1 - x0) * 0.05; x0 -= pad; x1 += pad;
  y1 = niceMax(y1 * 1.2);
  const X = d => M.l + (W - M.l - M.r) * (d - x0) / (x1 - x0);
  const Y = v => H - M.b - (H - M.t - M.b) * v / y1;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `ct-${metric}` });
  const ax = s('g', { class: 'axis' });
  for (let i = 0; i <= 4; i++) {
    const v = y1 * i / 4;
    ax.append(s('line', { x1: M.l, x2: W - M.r, y1: Y(v), y2: Y(v), stroke: '#e3e3e3' }),
      s('text', { x: M.l - 6, y: Y(v) + 4, 'text-anchor': 'end' }, num(Math.round(v))));
  }
  for (let i = 0; i <= 4; i++) {
    const d = Math.round(x0 + (x1 - x0) * i / 4);
    ax.append(s('text', { x: X(d), y: H - M.b + 16, 'text-anchor': 'middle' }, dayStr(d)));
  }
  ax.append(s('line', { x1: M.l, x2: W - M.r, y1: Y(0), y2: Y(0), stroke: '#888' }));
  svg.append(ax);
  const colours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];
  const byWho = new Map();
  const rows = [];
  for (const c of pts) {
    const f = c.figure;
    const who = c.asserted_by || (c.attributions[0] || {}).source || '';
    if (!byWho.has(who)) byWho.set(who, colours[byWho.size % colours.length]);
    const col = byWho.get(who);
    const a = firstDay(c.valid.from), b = firstDay(c.valid.to) ?? a;
    const x = X(a), xe = X(b);
    const g = s('g', { class: 'mark' });
    const text = figureText(f);
    const place = f.place ? (ps.get(f.place) || {}).label || f.place : '';
    const label = `${text}${place ? ' in ' + place : ''}, ${c.valid.from}${c.valid.to && c.valid.to !== c.valid.from ? ' to ' + c.valid.to : ''}`;
    g.append(s('title', {}, label));
    const q = f.qualifier;
    if (q === 'more_than' || q === 'at_least') {
      const v = f.low ?? f.best ?? f.high;
      g.append(s('line', { x1: x, x2: x, y1: Y(v), y2: M.t + 8, stroke: col, 'stroke-width': 3, 'stroke-dasharray': '5 3' }),
        s('path', { d: `M${x - 7},${M.t + 12} L${x},${M.t} L${x + 7},${M.t + 12}`, fill: 'none', stroke: col, 'stroke-width': 3 }),
        s('rect', { class: 'pt', x: x - 6, y: Y(v) - 2, width: 12, height: 4, fill: col }));
    } else if (q === 'up_to' || q === 'less_than') {
      const v = f.high ?? f.best ?? f.low;
      g.append(s('rect', { class: 'pt', x: x - 7, y: Y(v), width: 14, height: Y(0) - Y(v), fill: col, 'fill-opacity': 0.25, stroke: col, 'stroke-dasharray': q === 'less_than' ? '4 3' : null }),
        s('line', { x1: x - 9, x2: x + 9, y1: Y(v), y2: Y(v), stroke: col, 'stroke-width': 3 }));
    } else if (f.low != null && f.high != null) {
      g.append(s('line', { x1: x, x2: x, y1: Y(f.low), y2: Y(f.high), stroke: col, 'stroke-width': 4 }),
        s('line', { x1: x - 7, x2: x + 7, y1: Y(f.low), y2: Y(f.low), stroke: col, 'stroke-width': 2 }),
        s('line', { x1: x - 7, x2: x + 7, y1: Y(f.high), y2: Y(f.high), stroke: col, 'stroke-width': 2 }));
      if (f.best != null) g.append(s('circle', { class: 'pt', cx: x, cy: Y(f.best), r: 5, fill: col }));
    } else {
      const v = f.best ?? f.high ?? f.low;
      const hollow = q === 'about' || q === 'nearly';
      if (q === 'about') g.append(s('rect', { x: x - 8, y: Y(v * 1.1), width: 16, height: Y(v * 0.9) - Y(v * 1.1), fill: col, 'fill-opacity': 0.12 }));
      if (q === 'nearly') g.append(s('path', { d: `M${x},${Y(v) + 7} l0,10 m-4,-4 l4,4 l4,-4`, stroke: col, fill: 'none', 'stroke-width': 2 }));
      g.append(s('circle', { class: 'pt', cx: x, cy: Y(v), r: 5.5, fill: hollow ? '#fff' : col, stroke: col, 'stroke-width': 2.5 }));
    }
    if (xe > x + 1) {
      const v = f.best ?? f.high ?? f.low;
      g.append(s('line', { x1: x, x2: xe, y1: Y(v), y2: Y(v), stroke: col, 'stroke-width': 1.5, 'stroke-opacity': 0.6 }));
    }
    g.append(s('text', { x: x + 9, y: Math.max(M.t + 10, Y(top(f)) - 6), 'font-size': 11, fill: '#222' }, text));
    const att = c.attributions[0];
    const link = att ? s('a', { href: spanHref(att), 'aria-label': label + ' — open source' }, g) : g;
    svg.append(link);
    rows.push({ c, text, place, who: c.asserted_by ? await actorLabel(c.asserted_by) : '', a });
  }
  rows.sort((p, q) => p.a - q.a);
  const table = el('table', { class: 'places' },
    el('caption', { class: 'sr-only' }, `${metric} figures`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Valid'), el('th', { scope: 'col' }, 'Figure as reported'), el('th', { scope: 'col' }, 'Place'), el('th', { scope: 'col' }, 'Who says'), el('th', { scope: 'col' }, 'Source'))),
    el('tbody', {}, ...rows.map(r => el('tr', {},
      el('td', {}, r.c.valid.from + (r.c.valid.to && r.c.valid.to !== r.c.valid.from ? ' – ' + r.c.valid.to : '')),
      el('td', {}, r.text), el('td', {}, r.place), el('td', {}, r.who || '—'),
      el('td', {}, ...r.c.attributions.map(a => el('a', { href: spanHref(a) }, a.source)))))));
  const units = [...new Set(pts.map(c => c.figure.unit).filter(Boolean))];
  const key = el('p', { class: 'small chart-key' }, ...await Promise.all([...byWho].map(async ([who, col]) =>
    el('span', {}, el('span', { class: 'sw', style: `background:${col}` }), (await whoLabel(who)) + ' '))));
  return el('section', { class: 'chart', id: `chart-${metric}`, 'aria-labelledby': `ct-${metric}` },
    el('h2', { id: `ct-${metric}` }, metric.replace(/_/g, ' '), units.length ? el('span', { class: 'muted' }, ` (${units.join(', ')})`) : ''),
    key, svg, disagreements(rows), table);
}

// disagreements: figures for the same place and day that differ, side by side.
function disagreements(rows) {
  const groups = new Map();
  for (const r of rows) {
    const k = `${r.c.figure.place || ''}|${r.c.valid.from}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const out = [];
  for (const [, g] of groups) {
    if (new Set(g.map(r => r.text)).size < 2) continue;
    out.push(el('div', { class: 'sides', role: 'group', 'aria-label': 'Disagreeing figures' },
      ...g.map(r => el('div', { class: 'side' }, el('strong', {}, r.text), el('div', { class: 'small' }, `${r.who || r.c.attributions.map(a => a.source).join(', ')} · ${r.c.valid.from}`)))));
  }
  return out.length ? el('div', {}, el('h3', {}, 'Disagreeing figures'), ...out) : '';
}

// whoLabel names the party a colour stands for: the asserting actor, or
// the source when no party is recorded.
async function whoLabel(who) {
  const l = await actorLabel(who);
  return l && l !== who ? l : `source ${who}`;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

async function main() {
  const v = await api('/api/v1/figures');
  const ms = [...v.metrics].sort((a, b) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const out = [];
  for (const m of ms) {
    const c = await chart(m, v.series[m] || []);
    if (c) out.push(c);
  }
  $('charts').replaceChildren(...(out.length ? out : [el('p', {}, 'No figures recorded.')]));
  ready();
}
main().catch(e => { $('charts').replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message)); document.body.dataset.ready = 'error'; });
