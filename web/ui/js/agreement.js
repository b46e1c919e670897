// agreement.js: the agreement board: every provision as a row on one time
// axis, its deadlines (original and amended), its status at the chosen date
// with the evidence, and the mandate's term, expiry and notice dates.
import { api, el, dayOf, dayStr, todayStr, urlAt, setUrlAt, actorLabel, describe, spanHref, humanStatus, ready } from './common.js';

const $ = id => document.getElementById(id);
const id = document.body.dataset.id;

// first day of a possibly imprecise date ("2020-11" -> 2020-11-01).
function firstDay(s) {
  if (!s) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(s.replace(/^[<>~]/, ''));
  if (!m) return null;
  return dayOf(`${m[1]}-${m[2] || '01'}-${m[3] || '01'}`);
}

async function load(at) {
  setUrlAt(at);
  $('at-date').value = at;
  const v = await api(`/api/v1/agreements/${encodeURIComponent(id)}?at=${at}`);
  const ag = v.agreement;
  $('ag-title').textContent = ag.title;
  document.title = ag.title + ' · truce';
  const parties = await Promise.all(ag.parties.map(actorLabel));
  $('ag-meta').textContent = `Signed ${ag.signed}, in force ${ag.in_force}; parties: ${parties.join(', ')}. Status as of ${at}.`;

  // One axis for all rows: from signature to the chosen date or the last
  // deadline or fulfilment within half a year of it; later deadlines sit at
  // the right edge as arrows, so years-long terms do not squash the rest.
  const atDay = dayOf(at);
  let lo = firstDay(ag.signed) ?? atDay, hi = atDay;
  const horizon = lo + 183;
  for (const p of v.provisions) {
    for (const d of p.deadlines || []) { const x = firstDay(d.due); if (x != null && x <= Math.max(horizon, atDay)) hi = Math.max(hi, x); }
    if (p.met_on) hi = Math.max(hi, firstDay(p.met_on));
  }
  lo -= 3; hi += 5;
  const pos = d => `${(100 * (Math.min(d, hi) - lo) / (hi - lo)).toFixed(2)}%`;
  const ticks = [];
  const step = Math.max(1, Math.ceil((hi - lo) / (innerWidth < 700 ? 3 : 6)));
  for (let d = lo + 3; d <= hi; d += step) ticks.push(el('span', { style: `left:${pos(d)}` }, dayStr(d)));
  $('ag-axis').replaceChildren(...ticks);

  // Mandates.
  const mandates = v.provisions.filter(p => p.mandate);
  const mbox = [el('h2', { id: 'mandate-h' }, 'Mandate')];
  for (const p of mandates) {
    const m = p.mandate;
    // ledger.Term's days come as day numbers; show them as dates.
    const t = Object.fromEntries(Object.entries(m.term || {}).map(([k, x]) => [k, typeof x === 'number' && k !== 'n' ? dayStr(x) : x]));
    const who = await actorLabel(m.actor);
    const passed = dayOf(at) > dayOf(t.notice_by);
    // The mandate's terms on their own axis: the first, the one in force and
    // the next, with the notice date of the term in force.
    const y = d => dayOf(d);
    const t0 = y(m.start), tEnd = y(t.expiry) + m.renew_years * 365;
    const mpos = d => `${(100 * (d - t0) / (tEnd - t0)).toFixed(2)}%`;
    const terms = [];
    for (let n = 1, s0 = t0, len = m.term_years; n <= t.n + 1 && terms.length < 6; n++) {
      const e = n === t.n ? y(t.expiry) : Math.round(s0 + len * 365.25);
      const st0 = n === t.n ? y(t.start) : s0;
      if (n >= t.n - 1) terms.push(el('span', { class: 'term' + (n === t.n ? ' now' : ''), style: `left:${mpos(st0)};width:calc(${mpos(e)} - ${mpos(st0)})`, title: `term ${n}: ${dayStr(st0)} to ${dayStr(e)}${n > t.n ? ' (if renewed)' : ''}` }));
      s0 = e; len = m.renew_years;
    }
    const track = el('div', { class: 'mandate-track', role: 'img', 'aria-label': `term ${t.n} from ${t.start} to ${t.expiry}; notice by ${t.notice_by}; chosen date ${at}` },
      ...terms,
      el('span', { class: 'notice-mk', style: `left:${mpos(y(t.notice_by))}`, title: 'notice by ' + t.notice_by }),
      el('span', { class: 'at', style: `left:${mpos(dayOf(at))}` }),
      el('span', { class: 'lbl', style: `left:${mpos(y(t.start))};transform:none` }, 'start ' + t.start),
      el('span', { class: 'lbl', style: `left:${mpos(y(t.notice_by))}` }, 'notice ' + t.notice_by),
      el('span', { class: 'lbl', style: `left:${mpos(y(t.expiry))};top:-2px;transform:none` }, 'expiry ' + t.expiry));
    mbox.push(el('div', { class: 'mandate', dataset: { mandate: m.id } },
      el('p', {}, el('strong', {}, who), ` under provision ${p.number}`, m.personnel ? `: ${m.personnel.toLocaleString('en-US')} personnel` : '', m.equipment ? `; ${m.equipment}` : ''),
      m.error ? el('p', { class: 'error' }, m.error) : el('dl', { class: 'terms' },
        el('dt', {}, 'Term in force at ' + at), el('dd', {}, `term ${t.n}: ${t.start} to ${t.expiry}`),
        el('dt', {}, 'Expiry'), el('dd', {}, t.expiry),
        el('dt', {}, 'Notice to end it by'), el('dd', {}, t.notice_by, passed ? ' (passed: the mandate renews)' : ''),
        el('dt', {}, 'Rule'), el('dd', {}, `${m.term_years} years from ${m.start}, renewed for ${m.renew_years} years at a time unless a party gives notice ${m.notice_months} months before expiry`)),
      m.error ? '' : track));
  }
  if (mandates.length) $('mandates').replaceChildren(...mbox);
  else $('mandates').replaceChildren();

  const rows = [];
  for (const p of v.provisions) {
    const marks = [el('div', { class: 'line' })];
    for (const d of p.deadlines || []) {
      const x = firstDay(d.due);
      if (x == null) continue;
      if (x > hi) {
        marks.push(el('span', { class: 'mk-later', title: `deadline ${d.due}, beyond this axis` }, `→ ${d.due}`));
        continue;
      }
      marks.push(el('span', { class: 'mk ' + (d.in_force ? 'due' : 'due-orig'), style: `left:${pos(x)}`, title: `${d.amends ? 'amended deadline' : 'deadline'} ${d.due}` }));
    }
    if (p.met_on) marks.push(el('span', { class: 'mk met', style: `left:${pos(firstDay(p.met_on))}`, title: 'met on ' + p.met_on }));
    marks.push(el('span', { class: 'mk at', style: `left:${pos(atDay)}`, title: 'chosen date ' + at }));
    const dls = (p.deadlines || []).map(d => el('li', {},
      d.amends ? `amended to ${d.due} (was ${d.amends}` + (d.effective ? `, from ${d.effective})` : ')') : `due ${d.due}`,
      d.in_force ? el('strong', {}, ' · in force') : ' · superseded',
      d.late_days ? ` · met ${d.late_days} days after it` : ''));
    const ev = [];
    for (const cid of p.evidence || []) {
      const c = v.claims[cid];
      if (!c) { ev.push(el('li', {}, cid)); continue; }
      ev.push(el('li', {}, await describe(c), ` (${c.valid.from || ''})`, c.asserted_by ? `, says ${await actorLabel(c.asserted_by)}` : '', ' ',
        ...c.attributions.map(a => el('a', { href: spanHref(a) }, 'source'))));
    }
    rows.push(el('li', { class: 'prov', dataset: { provision: p.provision } },
      el('div', { class: 'prov-text' },
        el('div', {}, el('strong', {}, p.number + '. '), p.summary),
        el('div', {}, el('span', { class: 'badge ' + p.status }, humanStatus(p.status)), ' ', el('span', { class: 'muted small' }, p.why),
          p.met_on ? el('span', { class: 'small' }, ` · met ${p.met_on}`) : '', p.late_days ? el('span', { class: 'small' }, `, ${p.late_days} days late`) : ''),
        dls.length ? el('ul', { class: 'small deadlines', 'aria-label': 'Deadlines' }, ...dls) : null,
        ev.length ? el('details', {}, el('summary', {}, `Evidence (${ev.length})`), el('ul', { class: 'small' }, ...ev)) : null),
      el('div', { class: 'prov-track', role: 'img', 'aria-label': trackLabel(p, at) }, ...marks)));
  }
  $('provisions').replaceChildren(...rows);
  ready();
}

function trackLabel(p, at) {
  const d = (p.deadlines || []).map(x => (x.amends ? 'amended deadline ' : 'deadline ') + x.due).join(', ');
  return `${d || 'no deadline'}${p.met_on ? ', met ' + p.met_on : ''}; chosen date ${at}`;
}

$('at-date').addEventListener('change', e => { if (e.target.value) load(e.target.value).catch(fail); });
function fail(e) { $('provisions').replaceChildren(el('li', { class: 'error', role: 'alert' }, e.message)); document.body.dataset.ready = 'error'; }
load(urlAt() || todayStr()).catch(fail);
