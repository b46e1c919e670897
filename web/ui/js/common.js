// common.js: what every page shares: the API client with the token, the
// date in the URL, actor and place labels, colours, and a DOM helper.

const TOKEN = 'truce_token';

// Script errors are kept for the browser tests to check.
window.truceErrors = window.truceErrors || [];
addEventListener('error', e => window.truceErrors.push(String(e.message)));
addEventListener('unhandledrejection', e => window.truceErrors.push(String(e.reason && e.reason.message || e.reason)));

export function token() {
  return localStorage.getItem(TOKEN) || '';
}

function setToken(t) {
  if (t) {
    localStorage.setItem(TOKEN, t);
    document.cookie = `${TOKEN}=${encodeURIComponent(t)}; path=/; SameSite=Strict`;
  } else {
    localStorage.removeItem(TOKEN);
    document.cookie = `${TOKEN}=; path=/; max-age=0; SameSite=Strict`;
  }
}

// api fetches JSON, sending the token when there is one; a problem+json
// answer becomes an Error carrying its detail.
export async function api(path, opts = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, opts.headers || {});
  if (token()) headers.Authorization = 'Bearer ' + token();
  if (opts.body && typeof opts.body !== 'string') {
    opts = Object.assign({}, opts, { body: JSON.stringify(opts.body) });
    headers['Content-Type'] = 'application/json';
  }
  // Revalidate rather than trust a cached answer: the ledger may have
  // grown since (an ETag makes an unchanged answer cheap).
  const r = await fetch(path, Object.assign({ cache: 'no-cache' }, opts, { headers }));
  const text = await r.text();
  let v = null;
  try { v = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!r.ok) {
    const e = new Error((v && v.detail) || `${r.status} ${r.statusText}`);
    e.status = r.status;
    throw e;
  }
  return v;
}

// el builds an element: el('a', {href: '/'}, 'text', child...).
export function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(n.dataset, v);
    else n.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) {
    if (k === null || k === undefined || k === false) continue;
    n.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return n;
}

// Days are counted from 1970-01-01 in UTC, as ledger.Day is.
export function dayOf(s) {
  const t = Date.parse(s.slice(0, 10) + 'T00:00:00Z');
  return Math.floor(t / 86400000);
}
export function dayStr(d) {
  return new Date(d * 86400000).toISOString().slice(0, 10);
}
export function todayStr() {
  return new Date().toISOString().slice(0, 10);
}

// The chosen date lives in the query string so a view can be shared.
export function urlAt() {
  const v = new URLSearchParams(location.search).get('at');
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '';
}
export function setUrlAt(at) {
  const u = new URL(location.href);
  u.searchParams.set('at', at);
  history.replaceState(null, '', u);
  for (const a of document.querySelectorAll('a[data-keep-at]')) {
    const h = new URL(a.href);
    h.searchParams.set('at', at);
    a.href = h.pathname + h.search;
  }
}

let actorsP = null;
// actors loads the actors once: id -> actor.
export function actors() {
  actorsP ||= api('/api/v1/actors').then(v => new Map(v.actors.map(a => [a.id, a])));
  return actorsP;
}
export async function actorLabel(id) {
  if (!id) return '';
  const a = (await actors()).get(id);
  return a ? a.label : id;
}

let placesP = null;
export function places() {
  placesP ||= api('/api/v1/places').then(v => new Map(v.places.map(p => [p.id, p])));
  return placesP;
}

// placeName shows a place's label with every other name beside it.
export function placeName(p) {
  if (!p) return '';
  return p.aliases && p.aliases.length ? `${p.label} (${p.aliases.join(', ')})` : p.label;
}

// A fixed palette, assigned by actor order so colours stay put between
// dates; colour-blind safe (Okabe–Ito, then Tol).
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#882255', '#999933', '#44AA99', '#332288'];
export async function colours() {
  const as = [...(await actors()).values()].filter(a => !/peacekeep|monitor|mediator|organisation|person/i.test(a.kind));
  const m = new Map();
  as.forEach((a, i) => m.set(a.id, PALETTE[i % PALETTE.length]));
  return m;
}

// sourceLink points at a claimed span in the source reader.
export function spanHref(att) {
  return `/sources/${encodeURIComponent(att.source)}#span-${att.start}-${att.end}`;
}

export function fmtInterval(v) {
  if (!v) return '';
  const f = v.from || 'always', t = v.to || 'open';
  return `${f} – ${t}`;
}

export function humanStatus(s) {
  return (s || '').replace(/_/g, ' ');
}

// Token form on every page.
function initToken() {
  const f = document.getElementById('token-form');
  if (!f || f.dataset.ready) return;
  f.dataset.ready = '1';
  const inp = document.getElementById('token');
  const state = document.getElementById('token-state');
  const show = () => { state.textContent = token() ? 'token set' : 'read only'; };
  if (token()) setToken(token()); // refresh the cookie
  show();
  f.addEventListener('submit', e => {
    e.preventDefault();
    setToken(inp.value.trim());
    inp.value = '';
    show();
    document.dispatchEvent(new CustomEvent('truce:token'));
  });
}
initToken();
const at = urlAt();
if (at) setUrlAt(at);

const Q = { more_than: 'more than ', less_than: 'less than ', up_to: 'up to ', nearly: 'nearly ', about: 'about ', at_least: 'at least ' };
export function num(v) {
  return v === undefined || v === null ? '' : Number(v).toLocaleString('en-US');
}
// figureText writes a figure as reported: "more than 26,000", "up to 90,000".
export function figureText(f) {
  let v;
  if (f.best != null) v = num(f.best);
  else if (f.low != null && f.high != null) v = `${num(f.low)}–${num(f.high)}`;
  else if (f.low != null) v = num(f.low);
  else v = num(f.high);
  if (f.best != null && f.low != null && f.high != null) v += ` (${num(f.low)}–${num(f.high)})`;
  let s = (Q[f.qualifier] || '') + v;
  if (f.unit && f.unit !== 'people') s += ' ' + f.unit;
  return s;
}

// describe says in a few words what a claim states, with labels.
export async function describe(c) {
  const [as, ps] = await Promise.all([actors(), places()]);
  const a = id => (as.get(id) || {}).label || id;
  const p = id => (ps.get(id) || {}).label || id;
  switch (c.kind) {
    case 'control': return `${a(c.control.actor)} controls ${p(c.control.place)} (${c.control.mode || 'unspecified'})`;
    case 'presence': return `${a(c.presence.actor)} present at ${p(c.presence.place)} (${c.presence.role || ''})`;
    case 'figure': return `${c.figure.metric.replace(/_/g, ' ')}: ${figureText(c.figure)}${c.figure.place ? ' in ' + p(c.figure.place) : ''}`;
    case 'deadline': return `provision ${c.deadline.provision} due ${c.deadline.due}`;
    case 'provision_evidence': return `provision ${c.provision_evidence.provision}: ${humanStatus(c.provision_evidence.outcome)}`;
    case 'statement': return `${a(c.statement.actor)}: ${c.statement.position}`;
    case 'event': return `${c.event.type}${c.event.place ? ' at ' + p(c.event.place) : ''}`;
    default: return c.kind;
  }
}

// utf8Index maps the byte offsets the API uses to string indices.
export function utf8Index(text) {
  const map = new Int32Array(new TextEncoder().encode(text).length + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i);
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
    if (cp > 0xffff) i++;
  }
  map[b] = text.length;
  return off => map[Math.max(0, Math.min(off, b))];
}

// markText renders text into node with spans marked; spans are
// [{start, end, ...}] in byte offsets and may overlap. onmark(el, spans)
// decorates each mark.
export function markText(node, text, spans, onmark) {
  const ix = utf8Index(text);
  const cuts = new Set([0, text.length]);
  const sp = spans.map(s => Object.assign({}, s, { s: ix(s.start), e: ix(s.end) }));
  for (const s of sp) { cuts.add(s.s); cuts.add(s.e); }
  const pts = [...cuts].sort((a, b) => a - b);
  const frag = document.createDocumentFragment();
  const first = new Set();
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i], b = pts[i + 1];
    const cover = sp.filter(s => s.s <= a && s.e >= b && s.e > s.s);
    const t = text.slice(a, b);
    if (!cover.length) { frag.append(t); continue; }
    const m = el('mark', { class: 'span status-' + cover[0].status, tabindex: '0' }, t);
    const starts = [];
    for (const s of cover) {
      const id = `span-${s.start}-${s.end}`;
      if (s.s !== a || first.has(id)) continue;
      first.add(id);
      starts.push(`${s.start}-${s.end}`);
      if (!m.id) m.id = id;
      else frag.append(el('span', { id }));
    }
    if (starts.length) m.dataset.starts = starts.join(' ');
    onmark(m, cover);
    frag.append(m);
  }
  node.replaceChildren(frag);
}

export function ready() {
  document.body.dataset.ready = '1';
}
