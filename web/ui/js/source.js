// source.js: the source reader. The report's text with every claimed span
// marked; selecting a span shows its claims, and each claim links back to
// its span.
import { api, el, markText, spanHref, describe, actorLabel, fmtInterval, humanStatus, ready } from './common.js';

const $ = id => document.getElementById(id);

async function list() {
  const v = await api('/api/v1/sources');
  const srcs = v.sources.slice().sort((a, b) => String(b.published).localeCompare(String(a.published)));
  $('source-list').replaceChildren(...srcs.map(s => el('li', {},
    el('a', { href: '/sources/' + encodeURIComponent(s.id) }, s.title || s.id), ' ',
    el('span', { class: 'muted small' }, [s.publisher, s.published, s.kind, 'reliability ' + s.reliability].filter(Boolean).join(' · ')))));
  ready();
}

async function reader(id) {
  const v = await api('/api/v1/sources/' + encodeURIComponent(id));
  const src = v.source;
  $('src-title').textContent = src.title || src.id;
  document.title = (src.title || src.id) + ' · truce';
  $('src-meta').replaceChildren([src.publisher, 'published ' + src.published, src.kind, 'reliability ' + src.reliability].filter(Boolean).join(' · '),
    src.url ? el('span', {}, ' · ', el('a', { href: src.url, rel: 'noreferrer' }, 'original')) : '',
    el('br'), el('span', { class: 'small' }, 'Marked spans: ', el('mark', { class: 'span status-accepted' }, 'accepted claim'), ' ',
      el('mark', { class: 'span status-candidate' }, 'candidate'), ' ', el('mark', { class: 'span status-rejected' }, 'rejected')));
  const byClaim = new Map();
  for (const sp of v.spans) {
    if (!byClaim.has(sp.claim)) byClaim.set(sp.claim, []);
    byClaim.get(sp.claim).push(sp);
  }
  if (!v.text) {
    $('src-text').replaceChildren(el('p', { class: 'muted' }, `The text of this source is not stored, so its spans cannot be shown; ${byClaim.size} claims cite it. Ingest its text to read them in place.`));
  } else markText($('src-text'), v.text, v.spans, (m, cover) => {
    m.dataset.claims = cover.map(c => c.claim).join(' ');
    m.setAttribute('role', 'button');
    m.setAttribute('aria-label', `claimed: ${cover.map(c => c.what).join('; ')}`);
    const pick = () => select(cover.map(c => c.claim), m);
    m.addEventListener('click', pick);
    m.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); } });
  });
  $('claim-list').replaceChildren(...[...byClaim].map(([cid, sps]) => el('li', { id: 'claim-' + cid, dataset: { claim: cid } },
    el('div', {}, sps[0].what.replace(/ \(\)$/, '')), el('div', { class: 'small muted' }, `${sps[0].kind} · ${sps[0].status} · `,
      ...sps.map((sp, i) => [i ? ' · ' : '', el('a', { href: `#span-${sp.start}-${sp.end}`, onclick: e => { e.preventDefault(); jump(sp, cid); } },
        i ? `span ${i + 1}` : (sps.length > 1 ? 'show in text: span 1' : 'show in text'))])))));
  if (!v.spans.length) $('claim-list').replaceChildren(el('li', {}, 'No claims drawn from this source yet.'));
  const m = /^#span-(\d+)-(\d+)$/.exec(location.hash);
  if (m) {
    const sp = v.spans.find(s => s.start === +m[1] && s.end === +m[2]);
    if (sp) jump(sp, sp.claim);
  }
  ready();
}

function jump(sp, cid) {
  const m = document.querySelector(`mark[data-starts~="${sp.start}-${sp.end}"]`);
  if (m) {
    history.replaceState(null, '', `#span-${sp.start}-${sp.end}`);
    m.scrollIntoView({ block: 'center' });
    m.focus({ preventScroll: true });
  }
  select([cid], m);
}

async function select(ids, mark) {
  for (const n of document.querySelectorAll('mark.span.sel, .claim-list li.sel')) n.classList.remove('sel');
  if (mark) mark.classList.add('sel');
  const out = [];
  for (const cid of ids) {
    const li = document.getElementById('claim-' + cid);
    if (li) li.classList.add('sel');
    let c;
    try { c = (await api('/api/v1/claims/' + encodeURIComponent(cid))).claim; } catch (e) { out.push(el('p', { class: 'error' }, e.message)); continue; }
    out.push(el('div', { class: 'claim-card' },
      el('h3', {}, await describe(c)),
      el('p', { class: 'small' }, `${fmtInterval(c.valid)} · ${humanStatus(c.status)} · credibility ${c.credibility}`,
        c.asserted_by ? ` · asserted by ${await actorLabel(c.asserted_by)}` : '', ` · claim ${c.id}`),
      c.note ? el('p', { class: 'small muted' }, c.note) : '',
      el('p', { class: 'small' }, ...c.attributions.map(a => el('a', { href: spanHref(a) }, `span ${a.start}–${a.end} of ${a.source} `)))));
  }
  $('claim-detail').replaceChildren(...out);
}

if (document.body.dataset.page === 'sources') list().catch(fail);
else reader(document.body.dataset.id).catch(fail);
function fail(e) { $('main').append(el('p', { class: 'error', role: 'alert' }, e.message)); document.body.dataset.ready = 'error'; }
