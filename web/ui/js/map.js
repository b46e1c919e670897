// map.js: the control map through time. Places are drawn on one canvas
// (Leaflet's canvas renderer), so moving the date restyles layers and
// repaints once instead of touching thousands of DOM nodes.
import { api, el, dayOf, dayStr, todayStr, urlAt, setUrlAt, actors, placeName, colours, spanHref, fmtInterval, utf8Index } from './common.js';

const $ = id => document.getElementById(id);
const NONE = '#bdbdbd';
const PRESENCE = '#111111';

const st = {
  min: 0, max: 0, day: 0, changes: [], byPlace: new Map(), layers: new Map(), order: [],
  colour: new Map(), actors: new Map(), places: new Map(), sorted: [], playing: null, selected: '', seq: 0, timings: [], prefetch: true,
};
const collator = new Intl.Collator('en');

// The map can show the record as it was known on a date ("as recorded
// by"): every request then carries known_at, and it is in the URL too.
function knownAt() {
  const v = new URLSearchParams(location.search).get('known_at');
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '';
}
function kq() {
  return knownAt() ? '&known_at=' + knownAt() : '';
}
let map, renderer;

async function init() {
  const mark = n => st.timings.push([n, Math.round(performance.now())]);
  // One request for every place: the map's features carry labels and names.
  // The state at the asked date is fetched alongside, not after.
  const asked = urlAt() || todayStr();
  st.countries = fetch(document.body.dataset.countries).then(r => r.json());
  const firstState = api('/api/v1/map?at=' + asked + kq()).catch(() => null);
  const [tl, acts, col, fc] = await Promise.all([api('/api/v1/timeline?' + kq().slice(1)), actors(), colours(), api('/api/v1/geometry')]);
  mark('data');
  st.actors = acts; st.colour = col;
  for (const f of fc.features) st.places.set(f.id, Object.assign({ id: f.id }, f.properties));
  st.sorted = [...st.places.values()].sort((a, b) => collator.compare(a.label, b.label));
  for (const p of st.sorted) p.folded = fold(placeName(p));
  st.changes = tl.changes.map(dayOf);
  const today = dayOf(todayStr());
  st.min = st.changes.length ? st.changes[0] - 30 : today - 365;
  st.max = st.changes.length ? Math.min(Math.max(st.changes[st.changes.length - 1] + 30, st.min + 60), today) : today;
  if (st.max < st.min) st.max = st.min + 60;
  const r = $('at-range');
  r.min = st.min; r.max = st.max;
  // A short record needs no zoomed slider.
  if (st.max - st.min <= FINE * 1.5) document.querySelector('.slider-wrap.fine').hidden = true;
  $('range-min').textContent = dayStr(st.min);
  $('range-max').textContent = dayStr(st.max);
  $('at-date').min = dayStr(st.min); $('at-date').max = dayStr(st.max);
  let start = urlAt() ? dayOf(urlAt()) : st.max;
  start = Math.max(st.min, Math.min(st.max, start));

  map = L.map('map', { preferCanvas: true, zoomControl: true, attributionControl: true, keyboard: true, worldCopyJump: false });
  renderer = batchCircles(L.canvas({ padding: 0.2, tolerance: 3 }));
  map.attributionControl.setPrefix(false);
  map.setView([40, 46.5], 7);
  drawPlaces(fc);
  st.base = drawBase();
  const fs = await firstState;
  if (fs && dayStr(start) === asked) remember(start, expand(fs));
  mark('layers');
  drawTicks();
  wire();
  await setDay(start, false);
  mark('drawn');
  const sel = new URLSearchParams(location.search).get('place');
  if (sel) showPlace(sel);
  window.truceReadyAt = performance.now();
  document.body.dataset.ready = '1';
}

// batchCircles makes the canvas draw point places as copies of one small
// picture per style. Chromium rasterises a canvas's drawing when it paints
// the next frame, and 10,000 antialiased circles, filled and stroked, took
// it 40-50 ms; 10,000 copies of a sprite take about half. Polygons keep
// Leaflet's own drawing, underneath the points as before. The canvas is
// always redrawn whole: Leaflet's partial redraw would clip to the union of
// the changed places, which after a date change is most of the map anyway.
// Hit-testing (click, tooltip) is Leaflet's, unchanged.
function batchCircles(r) {
  const updateCircle = r._updateCircle, draw = r._draw, redraw = r._redraw;
  const sprites = new Map();
  let batches = null;
  r._redraw = function () { this._redrawBounds = null; return redraw.call(this); };
  r._extendRedrawBounds = function () {}; // no partial redraws: nothing to track
  r._updateCircle = function (layer) {
    const o = layer.options;
    if (!batches || !this._drawing || layer._empty() || (layer._radiusY && layer._radiusY !== layer._radius)) return updateCircle.call(this, layer);
    const rad = Math.max(Math.round(layer._radius), 1);
    const fill = typeof o.fillColor === 'string' ? o.fillColor : o.fillColor && o.fillColor.key;
    const key = [rad, fill, o.fillOpacity, o.fill, o.color, o.weight, o.opacity, o.stroke, o.dashArray].join('|');
    let b = batches.get(key);
    if (!b) batches.set(key, b = { key, o, rad, xy: [] });
    b.xy.push(layer._point.x, layer._point.y);
  };
  const sprite = b => {
    let sp = sprites.get(b.key);
    if (sp) return sp;
    const { o, rad } = b, half = rad + Math.ceil(o.weight || 0) + 1, dpr = devicePixelRatio || 1;
    const c = document.createElement('canvas');
    c.width = c.height = Math.ceil(2 * half * dpr);
    const g = c.getContext('2d');
    g.scale(dpr, dpr);
    g.beginPath(); g.arc(half, half, rad, 0, 2 * Math.PI);
    if (o.fill) { g.globalAlpha = o.fillOpacity; g.fillStyle = o.fillColor || o.color; g.fill(); }
    if (o.stroke && o.weight !== 0) {
      g.setLineDash(o._dashArray || []);
      g.globalAlpha = o.opacity; g.lineWidth = o.weight; g.strokeStyle = o.color; g.stroke();
    }
    sp = { c, half };
    sprites.set(b.key, sp);
    return sp;
  };
  r._draw = function () {
    batches = new Map();
    try {
      draw.call(this);
      const ctx = this._ctx;
      ctx.globalAlpha = 1;
      // Heavier outlines (disputed, presence) last, so nothing hides them.
      for (const b of [...batches.values()].sort((x, y) => x.o.weight - y.o.weight)) {
        const { c, half } = sprite(b), w = 2 * half;
        for (let i = 0; i < b.xy.length; i += 2) ctx.drawImage(c, b.xy[i] - half, b.xy[i + 1] - half, w, w);
      }
    } finally {
      batches = null;
    }
  };
  return r;
}

// drawBase draws country outlines on a canvas of their own, below the
// places, so restyling places never repaints them. Only countries near the
// places are drawn: the world at 1:50m is many points to project.
async function drawBase() {
  const topo = await st.countries;
  st.timings.push(['base-fetched', Math.round(performance.now())]);
  const near = st.bounds && st.bounds.isValid() ? st.bounds.pad(4) : null;
  const feats = topojson.feature(topo, topo.objects.countries).features.filter(f => !near || near.intersects(L.geoJSON(f).getBounds()));
  st.timings.push(['base-decoded', Math.round(performance.now())]);
  map.createPane('base').style.zIndex = 250;
  const baseRenderer = L.canvas({ pane: 'base', padding: 0.2 });
  L.geoJSON({ type: 'FeatureCollection', features: feats }, { renderer: baseRenderer, interactive: false,
    style: { color: '#8a8a8a', weight: 0.8, fillColor: '#f4f1ea', fillOpacity: 1 } }).addTo(map);
  map.attributionControl.addAttribution('Country outlines: Natural Earth (public domain) via world-atlas');
  st.timings.push(['base', Math.round(performance.now())]);
}

function centroid(g) {
  if (g.type === 'Point') return [g.coordinates[1], g.coordinates[0]];
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
  let x = 0, y = 0;
  for (const c of ring) { x += c[0]; y += c[1]; }
  return [y / ring.length, x / ring.length];
}

const KIND_ORDER = { country: 0, region: 1, area: 2, district: 3, corridor: 4, settlement: 5, checkpoint: 6 };

function drawPlaces(fc) {
  // One group carries the click and the hover tooltip for every place.
  const group = L.featureGroup().addTo(map);
  group.on('click', e => showPlace(e.layer.placeId, true));
  group.bindTooltip(l => tooltip(l.placeId), { sticky: true });
  const feats = fc.features.filter(f => f.geometry).sort((a, b) => (KIND_ORDER[a.properties.kind] ?? 3) - (KIND_ORDER[b.properties.kind] ?? 3));
  const bounds = L.latLngBounds([]);
  const attrib = new Set();
  for (const f of feats) {
    const p = f.properties;
    let layer;
    if (f.geometry.type === 'Point') {
      layer = L.circleMarker(centroid(f.geometry), { renderer, radius: p.kind === 'settlement' ? 5 : 7, weight: 1.5, color: '#333', fillColor: NONE, fillOpacity: 0.9 });
    } else {
      layer = L.geoJSON(f, { renderer, style: { weight: 1, color: '#444', fillColor: NONE, fillOpacity: 0.55 } }).getLayers()[0];
    }
    layer.placeId = f.id;
    layer.kind = p.kind;
    group.addLayer(layer);
    st.layers.set(f.id, layer);
    st.order.push(f.id);
    if (p.kind !== 'country' && p.kind !== 'region') bounds.extend(layer.getBounds ? layer.getBounds() : layer.getLatLng());
    if (p.attribution) attrib.add(p.attribution);
  }
  st.bounds = bounds;
  st.labels = st.layers.size <= 80;
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 9 });
  // Boundary attributions can be long: the map names their sources in
  // short, and the list under it gives each in full.
  const a = [...attrib];
  const short = [...new Set(a.map(x => x.replace(/^Boundary:\s*/i, '').split(/[;,]\s/)[0].trim()))];
  if (a.length) {
    map.attributionControl.addAttribution('Boundaries: ' + escapeHTML(short.join('; ')) + ' (details under the map)');
    $('attribution').replaceChildren(el('details', {}, el('summary', {}, `Boundaries: ${short.join('; ')} — ${a.length} attributions`),
      el('ul', {}, ...a.map(x => el('li', {}, x)))));
  } else {
    $('attribution').textContent = 'Places are drawn as points: the gazetteer has no boundaries.';
  }
}

function escapeHTML(s) {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function label(id) {
  const a = st.actors.get(id);
  return a ? a.label : id;
}

function tooltip(id) {
  const p = st.places.get(id);
  const s = st.byPlace.get(id);
  let t = escapeHTML(placeName(p) || id);
  if (s && s.controller) t += '<br>controlled by ' + escapeHTML(label(s.controller)) + (s.since ? ' since ' + s.since : '');
  if (s && s.disputed) t += '<br><b>disputed:</b> ' + s.sides.map(x => escapeHTML(label(x.actor))).join(' vs ');
  if (s && s.presence) t += '<br>present: ' + s.presence.map(x => escapeHTML(label(x.actor))).join(', ');
  return t;
}

// Hatch patterns for disputed places: stripes of each side's colour.
const hatches = new Map();
function hatch(cols) {
  const key = cols.join(',');
  if (hatches.has(key)) return hatches.get(key);
  const c = document.createElement('canvas');
  c.width = c.height = 12;
  const g = c.getContext('2d');
  g.fillStyle = '#ffffff'; g.fillRect(0, 0, 12, 12);
  g.lineWidth = 4;
  cols.forEach((col, i) => {
    g.strokeStyle = col;
    for (let k = -2; k < 3; k++) {
      const o = k * 12 + i * 6;
      g.beginPath(); g.moveTo(o, 12); g.lineTo(o + 12, 0); g.stroke();
    }
  });
  const p = g.createPattern(c, 'repeat');
  p.key = key; // batchCircles groups places by it
  hatches.set(key, p);
  return p;
}

function styleFor(layer, s) {
  const point = layer instanceof L.CircleMarker;
  if (!s) return { fillColor: NONE, color: '#666', weight: point ? 1 : 0.8, dashArray: null, fillOpacity: point ? 0.7 : 0.35 };
  const fill = s.disputed ? hatch(s.sides.map(x => st.colour.get(x.actor) || NONE)) : (st.colour.get(s.controller) || NONE);
  const present = s.presence && s.presence.length > 0;
  return {
    fillColor: fill,
    fillOpacity: s.disputed ? 0.9 : (point ? 0.9 : 0.6),
    color: s.disputed ? '#b00020' : present ? PRESENCE : '#444',
    weight: s.disputed ? 3 : present ? 3 : 1,
    dashArray: present ? '6 4' : null,
  };
}

// applyState restyles every place from a state answer; the canvas repaints
// once on the next frame.
export function applyState(states) {
  st.byPlace = new Map(states.map(s => [s.place, s]));
  for (const [id, layer] of st.layers) {
    const s = st.byPlace.get(id);
    const key = s ? (s.controller || '') + '|' + (s.disputed ? s.sides.map(x => x.actor).join('/') : '') + '|' + (s.presence ? s.presence.length : 0) : '';
    if (layer.styleKey === key) continue;
    layer.styleKey = key;
    layer.setStyle(styleFor(layer, s));
    mapLabel(layer, !!(s && s.disputed));
  }
}

// A small map names its districts and corridors on the map itself; any
// disputed place is named and marked so. Labels are DOM nodes, so a big
// ledger gets them only for disputes.
const LABELLED = new Set(['district', 'corridor', 'region']);
function mapLabel(layer, disputed) {
  const want = disputed ? 'disputed' : st.labels && LABELLED.has(layer.kind) ? 'name' : '';
  if (layer.labelled === want) return;
  if (layer.labelled) layer.unbindTooltip();
  layer.labelled = want;
  if (!want) return;
  const p = st.places.get(layer.placeId);
  const name = escapeHTML(p ? p.label : layer.placeId);
  layer.bindTooltip(disputed ? `${name}: disputed` : name, { permanent: true, direction: 'center',
    className: disputed ? 'disputed-label' : 'place-label', interactive: false }).openTooltip();
}

// The state only changes on change days, so an answer holds for every day
// up to the next change: it is cached under that bucket, unless a change
// date is imprecise on that day (then the day alone).
const stateCache = new Map();
function bucket(d) {
  let lo = 0, hi = st.changes.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (st.changes[m] <= d) lo = m + 1; else hi = m; }
  return 'b' + (lo ? st.changes[lo - 1] : 'start');
}
function cached(d) {
  return stateCache.get('d' + d) || stateCache.get(bucket(d));
}
async function fetchState(at) {
  const d = dayOf(at);
  const hit = cached(d);
  if (hit) return hit;
  const v = await api('/api/v1/map?at=' + at + kq());
  return remember(d, expand(v));
}
// expand turns a compact map (/api/v1/map: parallel arrays over places) into
// the states the page draws from, one per place in force, with only what
// colouring, tooltips, the legend and the list need; a selected place's
// claims come from /api/v1/places/{id}.
function expand(v) {
  const rows = list => new Map(list.map(r => [r[0], r.slice(1).map(a => ({ actor: v.actors[a] }))]));
  const sides = rows(v.sides), presence = rows(v.presence);
  const out = [];
  for (let i = 0; i < v.places.length; i++) {
    const c = v.controller[i], f = v.flags[i];
    if (c < 0 && !(f & 2)) continue; // no claim in force
    const s = { place: v.places[i] };
    if (c >= 0) s.controller = v.actors[c];
    if (v.since[i] >= 0) s.since = v.dates[v.since[i]];
    if (f & 4) s.uncertain = true;
    if (f & 1) { s.disputed = true; s.sides = sides.get(i) || []; }
    if (f & 2) s.presence = presence.get(i) || [];
    out.push(s);
  }
  return out;
}
function remember(d, places) {
  if (stateCache.size > 256) stateCache.delete(stateCache.keys().next().value);
  stateCache.set(places.some(x => x.uncertain) ? 'd' + d : bucket(d), places);
  return places;
}
let inflight = null;
// stateFor keeps one request in flight: while the slider is dragged, only
// the latest date asked for is fetched next. null means superseded.
async function stateFor(d) {
  for (;;) {
    const hit = cached(d);
    if (hit) return hit;
    if (d !== st.day) return null;
    if (!inflight) break;
    await inflight.catch(() => {});
  }
  inflight = fetchState(dayStr(d));
  try { return await inflight; } finally { inflight = null; }
}
// prefetch the neighbouring buckets so stepping and playing are instant.
async function prefetch(d) {
  const next = st.changes.find(x => x > d), prev = [...st.changes].reverse().find(x => x < d);
  for (const x of [next, d + 1, prev, d - 1]) {
    if (x === undefined || x < st.min || x > st.max || cached(x) || inflight) continue;
    try { await fetchState(dayStr(x)); } catch { /* next time */ }
  }
}

async function setDay(d, fromInput) {
  d = Math.max(st.min, Math.min(st.max, d));
  st.day = d;
  const at = dayStr(d);
  const seq = ++st.seq;
  $('at-range').value = d;
  $('at-range').setAttribute('aria-valuetext', at);
  fineWindow(d, fromInput === 'fine');
  $('at-fine').value = d;
  $('at-fine').setAttribute('aria-valuetext', at);
  if (!fromInput || document.activeElement !== $('at-date')) $('at-date').value = at;
  setUrlAt(at);
  const states = await stateFor(d);
  if (!states || seq !== st.seq) return; // a later date was asked for meanwhile
  applyState(states);
  // The map paints first; the list and legend follow a frame later, so that
  // a step of the slider shows on the map at once.
  requestAnimationFrame(() => setTimeout(() => {
    if (seq !== st.seq) return; // a later step will fill them
    renderList();
    renderLegend();
    if (st.selected) showPlace(st.selected);
  }, 0));
  if (st.prefetch) setTimeout(() => prefetch(d), 0);
}

function renderLegend() {
  const counts = new Map();
  let disputed = 0, present = 0, none = 0;
  for (const id of st.places.keys()) {
    const s = st.byPlace.get(id);
    if (!s || !s.controller) none++;
    else counts.set(s.controller, (counts.get(s.controller) || 0) + 1);
    if (s && s.disputed) disputed++;
    if (s && s.presence && s.presence.length) present++;
  }
  const ul = $('legend');
  ul.replaceChildren(
    ...[...counts].sort((a, b) => b[1] - a[1]).map(([a, n]) => el('li', {},
      el('span', { class: 'sw', style: `background:${st.colour.get(a) || NONE}` }), `${label(a)}: ${n}`)),
    el('li', {}, el('span', { class: 'sw', style: `background:${NONE}` }), `no control claim: ${none}`),
    el('li', {}, el('span', { class: 'sw sw-presence' }), `peacekeeping or other presence (dashed outline): ${present}`),
    el('li', {}, el('span', { class: 'sw sw-disputed' }), `disputed (hatched, red outline): ${disputed}`),
  );
}

const LIST_MAX = 200;
function renderList() {
  $('places-date').textContent = dayStr(st.day);
  const q = fold($('place-filter').value.trim());
  const rows = [];
  let shown = 0, matched = 0;
  for (const p of st.sorted) {
    const id = p.id;
    if (q && !p.folded.includes(q)) continue;
    matched++;
    if (shown >= LIST_MAX) continue;
    shown++;
    const s = st.byPlace.get(id);
    const ctl = !s || !s.controller ? '—' : s.disputed ? 'disputed: ' + s.sides.map(x => label(x.actor)).join(' / ') : label(s.controller);
    rows.push(el('tr', { dataset: { place: id }, class: s && s.disputed ? 'is-disputed' : '' },
      el('th', { scope: 'row' }, el('button', { type: 'button', class: 'linkish', onclick: () => showPlace(id, true) }, p.label),
        p.aliases && p.aliases.length ? el('span', { class: 'aliases' }, ' ', p.aliases.join(', ')) : null),
      el('td', { class: 'controller' },
        s && s.controller ? el('span', { class: 'sw', style: `background:${st.colour.get(s.controller) || NONE}` }) : null, ctl,
        s && s.uncertain ? el('span', { class: 'muted' }, ' (date uncertain)') : null),
      el('td', {}, s && s.since ? s.since : ''),
      el('td', {}, s && s.presence ? s.presence.map(x => label(x.actor)).join(', ') : '')));
  }
  $('place-rows').replaceChildren(...rows);
  $('places-summary').textContent = `${matched} places` + (matched > shown ? `, the first ${shown} listed; filter to find others` : '');
}

function fold(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

// showPlace opens a place's history: every control and presence claim.
async function showPlace(id, focus) {
  st.selected = id;
  const at = dayStr(st.day);
  const u = new URL(location.href);
  u.searchParams.set('place', id);
  history.replaceState(null, '', u);
  let v;
  try {
    v = await api(`/api/v1/places/${encodeURIComponent(id)}?at=${at}${kq()}`);
  } catch (e) {
    $('detail').replaceChildren(el('h2', { id: 'detail-h' }, 'Place'), el('p', { class: 'error' }, e.message));
    return;
  }
  if (st.selected !== id) return;
  const p = v.place, s = v.state || {};
  const hist = v.history.filter(c => c.kind === 'control' || c.kind === 'presence')
    .sort((a, b) => (a.valid.from || '').localeCompare(b.valid.from || ''));
  const byId = new Map(v.history.map(c => [c.id, c]));
  const parts = [
    el('h2', { id: 'detail-h' }, p.label),
    p.aliases.length ? el('p', {}, 'Also known as: ', p.aliases.join(', ')) : null,
    el('p', { class: 'muted' }, p.kind, p.attribution ? ` · boundary: ${p.attribution}` : ''),
    el('p', { class: 'state-line' }, `At ${at}: `,
      s.controller ? el('strong', {}, label(s.controller)) : 'no control claim in force',
      s.since ? ` since ${s.since}` : '', s.uncertain ? ' (the change date is imprecise)' : '',
      s.presence ? el('span', {}, ' · present: ', s.presence.map(x => label(x.actor)).join(', ')) : ''),
  ];
  if (s.disputed) {
    parts.push(el('div', { class: 'sides', role: 'group', 'aria-label': 'Disputed: who says what' },
      ...s.sides.map(side => el('div', { class: 'side' },
        el('h3', {}, `${label(side.actor)} controls it`),
        el('p', { class: 'muted' }, 'since ', side.since || 'unknown', side.asserted_by ? ' · says ' + side.asserted_by.map(label).join(', ') : ''),
        el('ul', {}, ...side.claims.map(cid => claimItem(byId.get(cid), cid)))))));
  }
  parts.push(el('h3', {}, 'History'),
    hist.length ? el('ol', { class: 'history' }, ...hist.map(c => claimItem(c, c.id))) : el('p', {}, 'No control or presence claims.'));
  $('detail').replaceChildren(...parts);
  if (focus) {
    const layer = st.layers.get(id);
    if (layer) map.fitBounds(layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]), { maxZoom: 9, padding: [30, 30] });
    $('detail-h').setAttribute('tabindex', '-1');
    $('detail-h').focus({ preventScroll: false });
  }
}

function claimItem(c, id) {
  if (!c) return el('li', {}, id);
  const what = c.kind === 'control'
    ? `${label(c.control.actor)} controls (${c.control.mode})`
    : `${label(c.presence.actor)} present (${c.presence.role})`;
  return el('li', { class: 'claim status-' + c.status },
    el('div', {}, el('strong', {}, what), ' ', el('span', { class: 'muted' }, fmtInterval(c.valid))),
    el('div', { class: 'muted small' }, c.asserted_by ? `asserted by ${label(c.asserted_by)} · ` : '',
      `${c.status} · credibility ${c.credibility} · claim ${c.id}`),
    ...c.attributions.map(a => {
      const q = el('q', {}, a.quote || '');
      if (!a.quote) quoteOf(a).then(t => { if (t) q.textContent = t; else q.remove(); });
      return el('div', { class: 'quote' }, q, ' ', el('a', { href: spanHref(a) }, `source: ${a.source}` + (a.end > a.start ? ` [${a.start}–${a.end}]` : '')));
    }));
}

// quoteOf reads a span from its source's stored text when the claim carries
// no quote; sources are fetched once.
const texts = new Map();
async function quoteOf(a) {
  if (!(a.end > a.start)) return '';
  if (!texts.has(a.source)) texts.set(a.source, api('/api/v1/sources/' + encodeURIComponent(a.source)).then(v => v.text ? { text: v.text, ix: utf8Index(v.text) } : null).catch(() => null));
  const t = await texts.get(a.source);
  return t ? t.text.slice(t.ix(a.start), t.ix(a.end)) : '';
}

// fineWindow keeps the zoomed slider on three months around the date; it
// moves only when the date leaves it, so dragging its thumb stays put.
const FINE = 92;
function fineWindow(d, dragging) {
  if (dragging && d >= st.flo && d <= st.fhi) return;
  if (st.flo !== undefined && d >= st.flo && d <= st.fhi && st.fhi - st.flo >= Math.min(FINE, st.max - st.min)) return;
  st.flo = Math.max(st.min, d - FINE / 2);
  st.fhi = Math.min(st.max, st.flo + FINE);
  st.flo = Math.max(st.min, st.fhi - FINE);
  const f = $('at-fine');
  f.min = st.flo; f.max = st.fhi;
  $('fine-min').textContent = dayStr(st.flo);
  $('fine-max').textContent = dayStr(st.fhi);
  ticks($('ticks-fine'), st.flo, st.fhi);
}

function drawTicks() {
  ticks($('ticks'), st.min, st.max);
  if (st.flo !== undefined) ticks($('ticks-fine'), st.flo, st.fhi);
}

function ticks(c, lo, hi) {
  const w = c.clientWidth || 600;
  c.width = w * devicePixelRatio; c.height = 12 * devicePixelRatio;
  const g = c.getContext('2d');
  g.scale(devicePixelRatio, devicePixelRatio);
  g.fillStyle = '#b00020';
  // The range thumb is inset by about half its width at each end.
  const inset = 8, span = hi - lo || 1;
  for (const d of st.changes) {
    if (d < lo || d > hi) continue;
    const x = inset + (w - 2 * inset) * (d - lo) / span;
    g.fillRect(Math.round(x), 0, 1.5, 12);
  }
  c.title = `${st.changes.length} days on which control or presence changed`;
}

function step(n) { setDay(st.day + n); }
function nextChange(dir) {
  const list = st.changes;
  const d = dir > 0 ? list.find(x => x > st.day) : [...list].reverse().find(x => x < st.day);
  if (d !== undefined) setDay(d);
}

function togglePlay() {
  const b = $('play');
  if (st.playing) {
    clearInterval(st.playing); st.playing = null;
    b.textContent = 'Play'; b.setAttribute('aria-pressed', 'false');
    return;
  }
  b.textContent = 'Pause'; b.setAttribute('aria-pressed', 'true');
  st.playing = setInterval(() => {
    const byChange = $('play-changes').checked;
    const next = byChange ? st.changes.find(x => x > st.day) : st.day + 1;
    if (next === undefined || next > st.max) { togglePlay(); return; }
    setDay(next);
  }, 700);
}

function wire() {
  $('at-range').addEventListener('input', e => setDay(+e.target.value, true));
  $('known-at').value = knownAt();
  $('known-at').addEventListener('change', e => {
    const u = new URL(location.href);
    if (e.target.value) u.searchParams.set('known_at', e.target.value); else u.searchParams.delete('known_at');
    location.replace(u); // the change days differ too: start afresh
  });
  $('at-date').addEventListener('change', e => { if (e.target.value) setDay(dayOf(e.target.value), true); });
  $('step-back').addEventListener('click', () => step(-1));
  $('step-fwd').addEventListener('click', () => step(1));
  $('prev-change').addEventListener('click', () => nextChange(-1));
  $('next-change').addEventListener('click', () => nextChange(1));
  $('play').addEventListener('click', togglePlay);
  $('place-filter').addEventListener('input', renderList);
  $('at-fine').addEventListener('input', e => setDay(+e.target.value, 'fine'));
  const jump = (e, lo, hi) => {
    const r = e.target.getBoundingClientRect();
    const d = lo + Math.round((e.clientX - r.left - 8) / (r.width - 16) * (hi - lo));
    let best = st.changes[0];
    for (const x of st.changes) if (Math.abs(x - d) < Math.abs(best - d)) best = x;
    if (best !== undefined) setDay(best);
  };
  $('ticks').addEventListener('click', e => jump(e, st.min, st.max));
  $('ticks-fine').addEventListener('click', e => jump(e, st.flo, st.fhi));
  addEventListener('resize', drawTicks);
  document.addEventListener('truce:token', () => { stateCache.clear(); setDay(st.day); });
}

// For the in-browser benchmark: restyle and repaint synchronously.
window.truceMap = {
  st, applyState, fetchState, setDay,
  redrawNow() { renderer._redraw && (renderer._redrawRequest && L.Util.cancelAnimFrame(renderer._redrawRequest), renderer._redrawRequest = null, renderer._redraw()); },
};

init().catch(e => {
  document.body.dataset.ready = 'error';
  $('detail').replaceChildren(el('h2', { id: 'detail-h' }, 'Error'), el('p', { class: 'error', role: 'alert' }, e.message));
});
