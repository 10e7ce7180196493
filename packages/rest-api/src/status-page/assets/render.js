// Puts a connector status (GET /connectors/:name/status) on the page. Elements are found by their
// data-testid, the same names the browser test uses, so the page and its test cannot drift apart.

import { formatNumber } from './charts.js';

export const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

export function setText(id, text, value) {
  const node = byTestId(id);
  node.textContent = text;
  // The exact number, for scripts and tests; the text may be abbreviated.
  if (value !== undefined) node.dataset.value = String(value);
}

export function formatAge(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

const agoFrom = (iso) => (iso ? `${formatAge(Math.max(0, (Date.now() - Date.parse(iso)) / 1000))} ago` : '–');

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function badge(text, className) {
  const td = document.createElement('td');
  const span = document.createElement('span');
  span.className = `badge ${className}`;
  span.textContent = text;
  td.append(span);
  return td;
}

function fillTable(id, rows) {
  byTestId(id).tBodies[0].replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement('tr');
      tr.append(...cells);
      return tr;
    }),
  );
}

/** The header, the pipeline's boxes and the two tables; `rates` come from the sampled history. */
export function renderStatus(status, rates) {
  const paused = status.connector.state === 'PAUSED';
  const halted = status.tasks.filter((t) => t.halted).length;
  setText('connector-name', status.name);
  const state = byTestId('connector-state');
  state.textContent = halted > 0 ? `${status.connector.state} · ${halted} HALTED` : status.connector.state;
  state.dataset.value = status.connector.state;
  state.className = `state ${paused ? 'paused' : halted > 0 ? 'halted' : 'running'}`;
  setText('updated', status.outbox ? `capture worker reported ${agoFrom(status.outbox.updatedAt)}` : 'no capture report yet');

  const outbox = status.outbox;
  const oldest = outbox?.oldestOccurredAt && outbox.pending > 0 ? (Date.now() - Date.parse(outbox.oldestOccurredAt)) / 1000 : 0;
  setText('commit-rate', formatNumber(rates.commits), rates.commits);
  setText('pending-count', formatNumber(outbox?.pending), outbox?.pending ?? '');
  setText('oldest-age', outbox ? formatAge(Math.max(0, oldest)) : '–');
  setText('in-flight-count', formatNumber(outbox?.inFlight), outbox?.inFlight ?? '');
  setText('jobs-waiting', formatNumber(status.tasks.reduce((n, t) => n + t.waiting, 0)));
  setText('jobs-active', formatNumber(status.tasks.reduce((n, t) => n + t.active, 0)));
  setText('partition-count', String(status.tasks.length));
  setText('halted-count', String(halted), halted);
  byTestId('halted-count').classList.toggle('alert', halted > 0);
  setText('live-publishers', String(status.publishers.filter((p) => p.live).length));
  setText('known-publishers', String(status.publishers.length));
  setText('published-count', status.published.toLocaleString('en'), status.published);
  setText('publish-rate', formatNumber(rates.published), rates.published);

  // Exactly-once: how far each partition's committed transactions have got (null: Kafka did not answer).
  const exactlyOnce = status.delivery === 'exactly-once';
  setText('delivery-mode', status.delivery ?? 'at-least-once');
  byTestId('committed-column').hidden = !exactlyOnce;

  byTestId('pause-button').disabled = paused;
  byTestId('resume-button').disabled = !paused;

  fillTable(
    'partitions',
    status.tasks.map((t) => [
      cell(String(t.id), 'num'),
      badge(t.state, t.state.toLowerCase()),
      cell(t.worker_id ?? '–'),
      cell(String(t.active), 'num'),
      cell(String(t.waiting), 'num'),
      cell(t.inFlight === null ? '?' : String(t.inFlight), 'num'),
      ...(exactlyOnce ? [cell(t.committedPosition ? String(t.committedPosition.outboxId) : '–', 'num')] : []),
      cell(t.halted ? `${t.halted.reason} (since ${agoFrom(t.halted.since)}, ${t.halted.publisher})` : '', 'reason'),
    ]),
  );
  fillTable(
    'publishers',
    status.publishers.map((p) => [
      cell(p.name),
      badge(p.live ? 'live' : 'gone', p.live ? 'running' : 'unassigned'),
      cell(formatNumber(p.jobs), 'num'),
      cell(formatNumber(p.events), 'num'),
      cell(agoFrom(p.lastSeen)),
    ]),
  );
}

/** The connectors to choose from, with `current` chosen; shown only when there is a choice to make. */
export function renderConnectorChoice(names, current) {
  const choice = byTestId('connector-choice');
  const select = byTestId('connector-select');
  // A connector named in the URL that the worker does not run stays listed: the banner says why it shows nothing.
  const listed = names.includes(current) ? names : [current, ...names];
  choice.hidden = listed.length < 2;
  if ([...select.options].map((o) => o.value).join('\n') !== listed.join('\n')) {
    select.replaceChildren(...listed.map((name) => new Option(name, name)));
  }
  select.value = current;
}

/** The latest dead letters (GET /connectors/:name/dlq), or why they cannot be shown. */
export function renderDeadLetters(result) {
  const list = byTestId('dead-letters');
  if (typeof result === 'string') {
    setText('dead-letter-count', '');
    list.textContent = result;
    return;
  }
  const letters = result.deadLetters ?? [];
  const total = result.total ?? letters.length;
  setText('dead-letter-count', String(total), total);
  if (letters.length === 0) {
    list.textContent = 'none';
    return;
  }
  const items = letters
    .slice(-5)
    .reverse()
    .map((letter) => {
      const li = document.createElement('li');
      const when = letter.lastFailure ? agoFrom(letter.lastFailure) : '';
      const what = [letter.eventType, letter.aggregateId && `aggregate ${letter.aggregateId}`].filter(Boolean).join(' · ');
      li.innerHTML = '<b></b> <span></span> <small></small>';
      li.querySelector('b').textContent = letter.errorClass ?? 'dead letter';
      li.querySelector('span').textContent = what || (letter.eventId ?? '');
      li.querySelector('small').textContent = [when, letter.replayed ? 'replayed' : ''].filter(Boolean).join(' · ');
      return li;
    });
  const ul = document.createElement('ul');
  ul.append(...items);
  list.replaceChildren(ul);
}
