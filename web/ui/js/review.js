// review.js: ingest a report (POST /api/v1/ingest), then accept, edit or
// reject candidate claims beside the text they were drawn from.
import { api, el, token, markText, describe, actors, actorLabel, places, fmtInterval, ready } from './common.js';

const $ = id => document.getElementById(id);
let focusSource = '';

function tokenNotice() { $('need-token').hidden = !!token(); }

$('in-file').addEventListener('change', async e => {
  const f = e.target.files[0];
  if (!f) return;
  $('in-text').value = await f.text();
  if (!$('in-title').value) $('in-title').value = f.name.replace(/\.[^.]+$/, '');
});

$('ingest-form').addEventListener('submit', async e => {
  e.preventDefault();
  const st = $('ingest-state');
  st.textContent = 'ingesting…';
  try {
    const body = { text: $('in-text').value, published: $('in-published').value, title: $('in-title').value };
    if ($('in-publisher').value) body.publisher = $('in-publisher').value;
    if ($('in-url').value) body.url = $('in-url').value;
    const v = await api('/api/v1/ingest', { method: 'POST', body });
    focusSource = v.source;
    st.textContent = v.existing
      ? `ingested as ${v.source}: this text was already stored, nothing new written; ${(v.candidates || []).length} of its candidate claims wait for review`
      : `ingested as ${v.source}: ${(v.candidates || []).length} candidate claims` +
        (v.unknown_names && v.unknown_names.length ? `; ${v.unknown_names.length} names the gazetteer does not know` : '');
    await queue();
  } catch (err) {
    st.textContent = err.status === 401 || err.status === 403 ? `${err.message}` : `could not ingest: ${err.message}`;
  }
});

async function queue() {
  const all = [];
  for (let cursor = '', n = 0; n < 20; n++) {
    const v = await api('/api/v1/claims?status=candidate&limit=1000' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    all.push(...(v.claims || []));
    if (!v.next) break;
    cursor = v.next;
  }
  const count = new Map();
  for (const c of all) for (const s of new Set(c.attributions.map(a => a.source))) count.set(s, (count.get(s) || 0) + 1);
  const sources = [...count.keys()];
  if (!focusSource || !sources.includes(focusSource)) focusSource = sources[0] || '';
  const sel = $('queue-source');
  sel.replaceChildren(...sources.map(s => el('option', { value: s, selected: s === focusSource }, `${s} (${count.get(s)})`)));
  // Only the candidates of the source being read, beside its text.
  // The review queue says, for each candidate, which accepted claims it
  // disagrees with or repeats.
  const rq = await api('/api/v1/review?limit=1000&source=' + encodeURIComponent(focusSource)).catch(() => null);
  const cs = rq ? rq.candidates : all.filter(c => c.attributions.some(a => a.source === focusSource));
  $('queue-state').textContent = all.length ? `${all.length} candidates waiting, ${cs.length} from ${focusSource}` : 'no candidates waiting';
  const items = [];
  for (const c of cs) items.push(await item(c));
  $('queue').replaceChildren(...items);
  await showText(focusSource);
  ready();
}

$('queue-source').addEventListener('change', e => { focusSource = e.target.value; queue(); });

async function showText(id) {
  if (!id) { $('rv-text').replaceChildren(el('p', { class: 'muted' }, 'No source selected.')); return; }
  const v = await api('/api/v1/sources/' + encodeURIComponent(id));
  const spans = v.spans.filter(s => s.status === 'candidate');
  $('rv-text').replaceChildren();
  const h = el('h3', {}, v.source.title || id);
  const body = el('div');
  markText(body, v.text, spans, (m, cover) => {
    m.dataset.claims = cover.map(c => c.claim).join(' ');
    m.title = cover.map(c => c.what).join('; ');
    m.addEventListener('click', () => {
      const li = document.getElementById('cand-' + cover[0].claim);
      if (li) { li.scrollIntoView({ block: 'nearest' }); li.querySelector('button').focus(); }
    });
  });
  $('rv-text').append(h, body);
}

async function item(c) {
  const att = c.attributions[0] || {};
  const li = el('li', { id: 'cand-' + c.id, dataset: { claim: c.id, kind: c.kind, source: att.source || '' } },
    el('div', {}, el('strong', {}, await describe(c))),
    el('div', { class: 'small muted' }, `${c.kind} · ${fmtInterval(c.valid)}`, c.asserted_by ? ` · says ${await actorLabel(c.asserted_by)}` : '',
      c.rule ? ` · rule ${c.rule}` : '', c.confidence ? ` · confidence ${c.confidence}` : '', ' · ',
      el('a', { href: '#span-' + att.start, onclick: e => { e.preventDefault(); focusSource = att.source; showSpan(att); } }, `${att.source} ${att.start}–${att.end}`)),
    att.quote ? el('div', { class: 'quote' }, el('q', {}, att.quote)) : '',
    c.contradicts && c.contradicts.length ? el('div', { class: 'contradicts small', role: 'note' }, 'Disagrees with accepted: ',
      ...c.contradicts.map(id => otherClaim(id))) : '',
    c.corroborates ? el('div', { class: 'small muted' }, 'Repeats accepted: ', otherClaim(c.corroborates)) : '');
  // The editor: the common fields as a form, the whole claim as JSON for
  // anything else. Saving appends an accepted claim superseding this one.
  const form = await editForm(c);
  const box = el('div', { class: 'editor', hidden: true, role: 'group', 'aria-label': `Edit claim ${c.id}` },
    form.node,
    el('details', {}, el('summary', {}, 'Advanced: the whole claim as JSON'), form.json),
    el('button', { type: 'button', class: 'save-edit', onclick: () => decide(c, 'edit', li, form) }, 'Save edit (accepts the edited claim)'));
  li.append(el('div', { class: 'actions' },
    el('button', { type: 'button', class: 'accept', onclick: () => decide(c, 'accept', li), 'aria-label': `Accept: ${li.textContent.slice(0, 80)}` }, 'Accept'),
    el('button', { type: 'button', class: 'edit', 'aria-expanded': 'false', onclick: e => {
      box.hidden = !box.hidden;
      e.target.setAttribute('aria-expanded', String(!box.hidden));
      if (!box.hidden) box.querySelector('input, select, textarea').focus();
    } }, 'Edit'),
    el('button', { type: 'button', class: 'reject', onclick: () => decide(c, 'reject', li) }, 'Reject'),
    // A second report of an accepted fact adds a source to it rather than a second fact.
    c.corroborates ? el('button', { type: 'button', class: 'corroborate', onclick: () => decide(c, 'corroborate', li),
      title: 'Record this report as a further source of the accepted claim it repeats' }, 'Same fact: add as a source') : ''), box);
  return li;
}

// editForm builds the fields for a claim; value() gives the edited claim.
async function editForm(c) {
  const draft = structuredClone(c);
  for (const k of ['id', 'recorded_at', 'recorded_by', 'status', 'supersedes', 'what', 'contradicts', 'corroborates']) delete draft[k];
  const json = el('textarea', { rows: 8, class: 'json', 'aria-label': `Claim ${c.id} as JSON` });
  json.value = JSON.stringify(draft, null, 1);
  let jsonTouched = false;
  json.addEventListener('input', () => { jsonTouched = true; });
  const fields = [];
  const field = (label, input) => { fields.push(el('label', {}, label, ' ', input)); return input; };
  const from = field('Valid from', el('input', { value: draft.valid.from || '', class: 'f-from', size: 12, placeholder: 'YYYY-MM-DD' }));
  const to = field('to', el('input', { value: draft.valid.to || '', class: 'f-to', size: 12, placeholder: 'open' }));
  const payload = draft.control || draft.presence;
  let actorSel, placeSel;
  if (payload) {
    const [as, ps] = await Promise.all([actors(), places()]);
    actorSel = field('Actor', el('select', { class: 'f-actor' }, ...[...as.values()].map(a => el('option', { value: a.id, selected: a.id === payload.actor }, a.label))));
    placeSel = field('Place', el('select', { class: 'f-place' }, ...[...ps.values()].sort((a, b) => a.label.localeCompare(b.label)).map(p => el('option', { value: p.id, selected: p.id === payload.place }, p.label))));
  }
  const note = field('Note', el('input', { value: draft.note || '', class: 'f-note', size: 30 }));
  return {
    node: el('div', { class: 'edit-fields' }, ...fields),
    json,
    value() {
      const v = jsonTouched ? JSON.parse(json.value) : structuredClone(draft);
      v.valid = { from: from.value.trim() || undefined, to: to.value.trim() || undefined };
      const p = v.control || v.presence;
      if (p && actorSel) { p.actor = actorSel.value; p.place = placeSel.value; }
      v.note = note.value.trim() || undefined;
      return v;
    },
  };
}

// otherClaim names an accepted claim and who says it, filled in when read.
function otherClaim(id) {
  const n = el('span', { class: 'other' }, id);
  api('/api/v1/claims/' + encodeURIComponent(id)).then(async v => {
    const c = v.claim;
    n.textContent = `${await describe(c)} (${fmtInterval(c.valid)}${c.asserted_by ? ', says ' + await actorLabel(c.asserted_by) : ''}) `;
  }).catch(() => {});
  return n;
}

async function showSpan(att) {
  await showText(att.source);
  const m = document.querySelector(`mark[data-starts~="${att.start}-${att.end}"]`);
  if (m) { m.scrollIntoView({ block: 'center' }); m.classList.add('sel'); }
}

async function decide(c, decision, li, form) {
  const body = { decision };
  if (decision === 'edit') {
    try { body.claim = form.value(); } catch (e) { $('queue-state').textContent = 'the edited claim is not valid JSON: ' + e.message; return; }
  }
  try {
    const v = await api(`/api/v1/claims/${encodeURIComponent(c.id)}/review`, { method: 'POST', body });
    const what = decision === 'accept' ? 'accepted' : decision === 'reject' ? 'rejected'
      : decision === 'corroborate' ? `recorded as a further source of ${c.corroborates}` : `edited (new claim ${v.new_claim}, accepted)`;
    li.remove();
    $('queue-state').textContent = `${c.id} ${what}.`;
    const next = $('queue').querySelector('button.accept');
    if (next) next.focus();
  } catch (e) {
    $('queue-state').textContent = `${c.id}: ${e.message}`;
  }
}

tokenNotice();
document.addEventListener('truce:token', () => { tokenNotice(); queue(); });
queue().catch(e => { $('queue-state').textContent = e.message; document.body.dataset.ready = 'error'; });
