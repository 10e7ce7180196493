// The status page: polls a connector's status and the sampled history every second, draws the
// pipeline, charts and tables, and pauses or resumes the connector through the REST API. The
// connector is the one `?connector=` names, else the worker's first; a select offers the others.

import { ApiFailure, api, useToken } from './api.js';
import { drawChart, ratePoints } from './charts.js';
import { byTestId, renderConnectorChoice, renderDeadLetters, renderStatus } from './render.js';

const pollMs = 1000;
/** The dead-letter list reads the whole dead-letter topic, so it is asked for rarely. */
const deadLetterPollMs = 15_000;
/** How far back the published and commit rates shown as numbers look, to smooth them. */
const rateWindowMs = 5000;
/** Connectors are created and deleted through the API: the choice is read again this often. */
const connectorsPollMs = 10_000;

let connector = new URLSearchParams(location.search).get('connector') || undefined;
let connectorsReadAt = 0;
let samples = [];
let historyMs = 600_000;
let intervalMs = 1000;
let signedOut = false;
let deadLettersAvailable = true;
let deadLetterQuery = '?limit=5';

function showError(message) {
  const banner = byTestId('error');
  banner.hidden = !message;
  banner.textContent = message ?? '';
}

/** 401: ask for the token, and stop polling until it is given. */
function handleFailure(error) {
  if (error instanceof ApiFailure && error.status === 401) {
    signedOut = true;
    byTestId('sign-in').hidden = false;
    showError('');
    return;
  }
  showError(error.message);
}

const path = (suffix) => `connectors/${encodeURIComponent(connector)}${suffix}`;

/** Per second, over the last few seconds of samples; null when they do not say. */
const recentRate = (pick) => ratePoints(samples.slice(-30), pick, rateOptions()).at(-1)?.[1] ?? null;

// A busy capture worker samples late now and then; only a long silence (worker down, Redis
// unreachable) is drawn as a gap.
const rateOptions = () => ({ windowMs: rateWindowMs, gapMs: Math.max(intervalMs * 15, 15_000) });

// Events still in the pipeline plus those published: it grows by what the writer commits.
const committed = (s) => (s.pending === null ? null : s.published + s.pending);

function drawCharts() {
  const now = samples.at(-1)?.at ?? Date.now();
  const options = { now, windowMs: historyMs, gapMs: rateOptions().gapMs };
  const line = (className, pick) => ({ className, points: samples.map((s) => [s.at, pick(s)]) });
  drawChart(
    byTestId('chart-throughput'),
    [
      {
        className: 'published',
        points: ratePoints(samples, (s) => s.published, rateOptions()),
      },
    ],
    options,
  );
  drawChart(byTestId('chart-backlog'), [line('pending', (s) => s.pending), line('in-flight', (s) => s.inFlight)], options);
  drawChart(byTestId('chart-lag'), [line('lag', (s) => s.lagSeconds)], options);
}

async function readConnectors() {
  const names = await api('GET', 'connectors');
  connectorsReadAt = Date.now();
  connector ??= names[0];
  if (connector) renderConnectorChoice(names, connector);
}

/** Shows another connector: its own history, dead letters and address (`?connector=`). */
function choose(name) {
  if (name === connector) return;
  connector = name;
  samples = [];
  deadLettersAvailable = true;
  deadLetterQuery = '?limit=5';
  const url = new URL(location.href);
  url.searchParams.set('connector', name);
  history.replaceState(null, '', url);
  renderDeadLetters('reading the dead-letter topic…');
  refresh().catch(handleFailure);
  refreshDeadLetters();
}

async function refresh() {
  const shown = connector;
  const since = samples.at(-1)?.at;
  const [status, history] = await Promise.all([
    api('GET', path('/status')),
    api('GET', path(`/history${since === undefined ? '' : `?since=${since}`}`)),
  ]);
  // Another connector was chosen meanwhile: these answers are not its.
  if (shown !== connector) return;
  intervalMs = history.intervalMs;
  const cutoff = (history.samples.at(-1)?.at ?? Date.now()) - historyMs;
  samples = [...samples, ...history.samples].filter((s) => s.at >= cutoff);
  renderStatus(status, { published: recentRate((s) => s.published), commits: recentRate(committed) });
  drawCharts();
  showError('');
}

async function refreshDeadLetters() {
  if (!deadLettersAvailable) return;
  const shown = connector;
  try {
    const list = await api('GET', path(`/dlq${deadLetterQuery}`));
    if (shown === connector) renderDeadLetters(list);
  } catch (error) {
    if (shown !== connector) return;
    if (error instanceof ApiFailure && error.status === 400 && deadLetterQuery) {
      // A list route without `limit`: take the whole list and show its end.
      deadLetterQuery = '';
      await refreshDeadLetters();
    } else if (error instanceof ApiFailure && error.status === 404) {
      // A worker without the dead-letter routes: say so once instead of asking again.
      deadLettersAvailable = false;
      renderDeadLetters('not available on this worker');
    } else if (error instanceof ApiFailure && error.status === 401) {
      handleFailure(error);
    } else {
      renderDeadLetters(`cannot list them: ${error.message}`);
    }
  }
}

async function loop() {
  if (!signedOut) {
    try {
      if (!connector || Date.now() - connectorsReadAt > connectorsPollMs) await readConnectors();
      if (connector) await refresh();
    } catch (error) {
      handleFailure(error);
    }
  }
  setTimeout(loop, pollMs);
}

async function deadLetterLoop() {
  if (!signedOut && connector) await refreshDeadLetters();
  setTimeout(deadLetterLoop, connector ? deadLetterPollMs : pollMs);
}

async function act(action) {
  for (const id of ['pause-button', 'resume-button']) byTestId(id).disabled = true;
  try {
    await api('PUT', path(`/${action}`));
    await refresh();
  } catch (error) {
    handleFailure(error);
  }
}

byTestId('connector-select').addEventListener('change', (event) => choose(event.target.value));
byTestId('pause-button').addEventListener('click', () => act('pause'));
byTestId('resume-button').addEventListener('click', () => act('resume'));
byTestId('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  useToken(new FormData(event.target).get('token').trim());
  event.target.hidden = true;
  signedOut = false;
});
// The charts are drawn in the boxes' own pixels, so a resize redraws them.
window.addEventListener('resize', drawCharts);

historyMs = Number(new URLSearchParams(location.search).get('minutes') ?? 10) * 60_000 || historyMs;
loop();
deadLetterLoop();
