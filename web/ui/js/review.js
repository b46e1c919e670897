// review.js: ingest a report (POST /api/v1/ingest), then accept, edit or
// reject candidate claims beside the text they were drawn from.
import { api, el, token, markText, describe, actorLabel, fmtInterval, spanHref, ready } from './common.js';

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
    st.textContent = `ingested as ${v.source}: ${(v.candidates || []).length} candidate claims`;
    await queue();
  } catch (err) {
    st.textContent = err.status === 401 || err.status === 403 ? `${err.message}` : `could not ingest: ${err.message}`;
  }
});

async function queue() {
  const v = await api('/api/v1/claims?status=candidate&limit=500');
  let cs = v.claims || [];
  const sources = [...new Set(cs.flatMap(c => c.attributions.map(a => a.source)))];
  if (!focusSource || !sources.includes(focusSource)) focusSource = sources[0] || '';
  // Candidates of the source being read first.
  cs = cs.slice().sort((a, b) => (b.attributions.some(x => x.source === focusSource) ? 1 : 0) - (a.attributions.some(x => x.source === focusSource) ? 1 : 0));
  $('queue-state').textContent = cs.length ? `${cs.length} candidates waiting` : 'no candidates waiting';
  const items = [];
  for (const c of cs) items.push(await item(c));
  $('queue').replaceChildren(...items);
  await showText(focusSource, cs);
  ready();
}

async function showText(id, cs) {
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
    att.quote ? el('div', { class: 'quote' }, el('q', {}, att.quote)) : '');
  const editor = el('textarea', { rows: 8, hidden: true, 'aria-label': `Edited claim ${c.id} as JSON` });
  const save = el('button', { type: 'button', hidden: true, onclick: () => decide(c, 'edit', li, editor) }, 'Save edit');
  li.append(el('div', { class: 'actions' },
    el('button', { type: 'button', class: 'accept', onclick: () => decide(c, 'accept', li) , 'aria-label': `Accept: ${li.textContent.slice(0, 80)}` }, 'Accept'),
    el('button', { type: 'button', class: 'edit', 'aria-expanded': 'false', onclick: e => {
      const open = editor.hidden;
      editor.hidden = !open; save.hidden = !open;
      e.target.setAttribute('aria-expanded', String(open));
      if (open) {
        const draft = Object.assign({}, c);
        for (const k of ['id', 'recorded_at', 'recorded_by', 'status', 'supersedes']) delete draft[k];
        editor.value = JSON.stringify(draft, null, 1);
        editor.focus();
      }
    } }, 'Edit'),
    el('button', { type: 'button', class: 'reject', onclick: () => decide(c, 'reject', li) }, 'Reject')), editor, save);
  return li;
}

async function showSpan(att) {
  const cs = (await api('/api/v1/claims?status=candidate&limit=500')).claims || [];
  await showText(att.source, cs);
  const m = document.getElementById(`span-${att.start}-${att.end}`);
  if (m) { m.scrollIntoView({ block: 'center' }); m.classList.add('sel'); }
}

async function decide(c, decision, li, editor) {
  const body = { decision };
  if (decision === 'edit') {
    try { body.claim = JSON.parse(editor.value); } catch (e) { $('queue-state').textContent = 'the edited claim is not valid JSON: ' + e.message; return; }
  }
  try {
    const v = await api(`/api/v1/claims/${encodeURIComponent(c.id)}/review`, { method: 'POST', body });
    const what = decision === 'accept' ? 'accepted' : decision === 'reject' ? 'rejected' : `edited (new claim ${v.new_claim}, accepted)`;
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
