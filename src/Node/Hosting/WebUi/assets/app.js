// The p2p dashboard. It is served by the daemon's API listener, so every call below is a same-origin POST to
// kubo's RPC paths (/api/v0/...). The API refuses a browser's call without the token the daemon wrote into this
// page for this run, so a page elsewhere cannot drive it. Data is only ever written with textContent, never as
// HTML, because CIDs, names and addresses come from the network.
'use strict';

const token = document.querySelector('meta[name="p2p-api-token"]').content;
const authorization = { Authorization: 'Bearer ' + token };

const api = async (path, params) => {
  const query = params ? '?' + new URLSearchParams(params).toString() : '';
  const response = await fetch('/api/v0/' + path + query, { method: 'POST', headers: authorization });
  if (!response.ok) throw new Error(await errorText(response));
  return response;
};
const apiJson = async (path, params) => (await api(path, params)).json();

// kubo's errors are {"Message","Code","Type":"error"} (p2p adds "Kind"); the sentence in Message is what the CLI
// prints too, so the dashboard shows exactly that. Anything else is shown as text.
function errorMessage(text, fallback) {
  try {
    const body = JSON.parse(text);
    if (body && typeof body.Message === 'string' && body.Message) return body.Message;
  } catch { /* plain text */ }
  return text || fallback;
}

async function errorText(response) {
  return errorMessage(await response.text(), response.status + ' ' + response.statusText);
}

const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function formatBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let value = Number(n) || 0;
  while (value >= 1024 && i < units.length - 1) { value /= 1024; i++; }
  return (i === 0 ? value.toFixed(0) : value.toFixed(1)) + ' ' + units[i];
}

const short = (id) => id.length > 16 ? id.slice(0, 8) + '…' + id.slice(-6) : id;

// Where "open" links point: the gateway the daemon reports, or one the user saved, or none (then the file is
// read through the API's cat and opened as a blob URL, because the API takes POST only).
const gateway = {
  reported: null,
  get url() {
    const saved = localStorage.getItem('p2p.gateway');
    return (saved !== null ? saved : this.reported || '').replace(/\/+$/, '');
  },
  link(cid) { return this.url ? this.url + '/ipfs/' + cid.split('/').map(encodeURIComponent).join('/') : null; },
};

async function loadConfig() {
  try {
    const config = await (await fetch('/webui/config', { method: 'POST', headers: authorization })).json();
    gateway.reported = config.Gateway || null;
  } catch { gateway.reported = null; }
  $('gateway-url').value = gateway.url;
}

$('gateway-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('gateway-url').value.trim();
  if (value === '' || value === gateway.reported) localStorage.removeItem('p2p.gateway');
  else localStorage.setItem('p2p.gateway', value);
});

// How the node learned each address it advertises, in the order it lists them: its interfaces, the endpoint a
// quorum of peers observes, the router's port mapping, then circuits through relays holding a reservation for it.
// A kind this page does not know is still shown, under its own name, after these.
const AddressKinds = {
  listen: 'an address of one of this machine\'s interfaces',
  observed: 'the address and port a quorum of peers sees this node at (its NAT\'s outside)',
  mapped: 'a port mapping the router granted (NAT-PMP, PCP or UPnP)',
  relay: 'a circuit through a relay that holds a reservation for this node',
};
const KindOrder = Object.keys(AddressKinds);
const kindRank = (kind) => (KindOrder.includes(kind) ? KindOrder.indexOf(kind) : KindOrder.length);

// Whether others can dial this node unasked, as the daemon's dial-back probes last showed.
const Reachabilities = ['public', 'private', 'unknown'];

async function refreshIdentity() {
  const id = await apiJson('id');
  $('peer-id').textContent = id.ID;
  $('agent').textContent = id.AgentVersion;
  const full = (a) => (a.includes('/p2p/') ? a : a + '/p2p/' + id.ID);
  // Advertised is [{Kind, Addr}]; a daemon without it lists only Addresses, shown as listen addresses.
  const advertised = Array.isArray(id.Advertised) ? id.Advertised : (id.Addresses || []).map((a) => ({ Kind: 'listen', Addr: a }));
  const groups = new Map();
  for (const { Kind, Addr } of advertised) {
    const kind = String(Kind);
    if (!groups.has(kind)) groups.set(kind, []);
    groups.get(kind).push(String(Addr));
  }
  const kinds = [...groups.keys()].sort((a, b) => kindRank(a) - kindRank(b) || a.localeCompare(b));
  $('addresses').replaceChildren(...(kinds.length === 0 ? [el('span', 'none', 'kind')] : kinds.map((kind) => {
    const group = el('div', null, 'addr-group');
    group.dataset.kind = kind;
    const label = el('span', kind, 'kind');
    if (AddressKinds[kind]) label.title = AddressKinds[kind];
    const list = el('ul');
    list.append(...groups.get(kind).map((a) => { const li = el('li'); li.append(el('code', full(a))); return li; }));
    group.append(label, list);
    return group;
  })));
  const reachability = Reachabilities.includes(id.Reachability) ? id.Reachability : 'unknown';
  const badge = $('reachability');
  badge.textContent = 'Reachability: ' + reachability;
  badge.className = 'badge reach-' + reachability;
}

async function refreshRepo() {
  const [stat, pins] = await Promise.all([apiJson('repo/stat'), apiJson('pin/ls')]);
  $('repo-objects').textContent = stat.NumObjects;
  $('repo-size').textContent = formatBytes(stat.RepoSize);
  const keys = Object.entries(pins.Keys || {}).sort((a, b) => a[0].localeCompare(b[0]));
  $('repo-pins').textContent = keys.length;
  $('pins').tBodies[0].replaceChildren(...keys.map(([cid, info]) => {
    const row = el('tr');
    const cell = el('td');
    cell.append(el('code', cid));
    row.append(cell, el('td', info.Type));
    return row;
  }));
}

// The previous bitswap/stat sample, to turn byte counters into rates.
let lastStat = null;

function latencyMs(text) {
  const match = /^([\d.]+)ms$/.exec(text || '');
  return match ? Number(match[1]) : null;
}

const Paths = ['direct', 'hole-punched', 'relayed'];

async function refreshNetwork() {
  const [peers, stat, table] = await Promise.all([apiJson('swarm/peers'), apiJson('bitswap/stat'), apiJson('dht/table')]);
  const now = performance.now();
  const previous = lastStat;
  lastStat = { at: now, ledgers: new Map((stat.Ledgers || []).map((l) => [l.Peer, l])), stat };
  const seconds = previous ? (now - previous.at) / 1000 : 0;
  const rate = (current, before) => (seconds > 0 && before !== undefined ? Math.max(0, current - before) / seconds : 0);

  const connected = new Map((peers.Peers || []).map((p) => [p.Peer, p]));
  $('peer-count').textContent = connected.size;
  const rows = [...connected.values()].sort((a, b) => a.Peer.localeCompare(b.Peer)).map((p) => {
    const ledger = lastStat.ledgers.get(p.Peer) || {};
    const before = previous ? previous.ledgers.get(p.Peer) || {} : {};
    const row = el('tr');
    row.dataset.peer = p.Peer;
    const id = el('td');
    const code = el('code', short(p.Peer));
    code.title = p.Peer;
    id.append(code);
    // How the connection runs: direct, hole-punched, or relayed (then Addr is the relay's, ending in /p2p-circuit).
    const path = Paths.includes(p.Path) ? p.Path : null;
    row.append(id, el('td', p.Addr), el('td', path || '?', path ? 'path path-' + path : 'path'), el('td', p.Latency, 'num'),
      el('td', formatBytes(ledger.BytesReceived || 0), 'num'), el('td', formatBytes(ledger.BytesSent || 0), 'num'),
      el('td', formatBytes(rate(ledger.BytesReceived || 0, before.BytesReceived)) + '/s', 'num'),
      el('td', formatBytes(rate(ledger.BytesSent || 0, before.BytesSent)) + '/s', 'num'),
      el('td', ledger.InFlight || 0, 'num'));
    return row;
  });
  $('peers').tBodies[0].replaceChildren(...rows);

  $('bytes-in').textContent = formatBytes(stat.DataReceived);
  $('blocks-in').textContent = stat.BlocksReceived;
  $('bytes-out').textContent = formatBytes(stat.DataSent);
  $('blocks-out').textContent = stat.BlocksSent;
  $('dups').textContent = stat.DupBlksReceived;
  $('corrupt').textContent = stat.CorruptBlocks;
  $('rate-in').textContent = formatBytes(previous ? rate(stat.DataReceived, previous.stat.DataReceived) : 0) + '/s';
  $('rate-out').textContent = formatBytes(previous ? rate(stat.DataSent, previous.stat.DataSent) : 0) + '/s';

  drawBuckets(table, connected);
}

// Kademlia keeps k = 20 contacts per bucket; empty slots are drawn so a bucket's fill is visible.
const BucketSize = 20;

function drawBuckets(table, connected) {
  $('table-total').textContent = table.Total;
  const buckets = (table.Buckets || []).filter((b) => b.Peers.length > 0).sort((a, b) => a.Bucket - b.Bucket);
  $('buckets').replaceChildren(...buckets.map((bucket) => {
    const row = el('div', null, 'row');
    row.dataset.bucket = bucket.Bucket;
    row.append(el('span', String(bucket.Bucket).padStart(3, ' '), 'label'));
    for (let i = 0; i < Math.max(BucketSize, bucket.Peers.length); i++) {
      const peer = bucket.Peers[i];
      if (!peer) { row.append(el('span', null, 'cell empty')); continue; }
      const live = connected.get(peer.ID);
      const ms = live ? latencyMs(live.Latency) : null;
      const colour = !live ? 'rtt-none' : ms === null || ms >= 50 ? 'rtt-slow' : ms >= 5 ? 'rtt-mid' : 'rtt-fast';
      const cell = el('span', null, 'cell ' + colour);
      cell.title = peer.ID + (live ? ' · ' + live.Latency : ' · not connected') + ' · ' + (peer.Addrs || []).join(' ');
      row.append(cell);
    }
    return row;
  }));
}

// Opens content: through the gateway when there is one, otherwise as a blob read through cat.
function setOpenLink(anchor, cid, blob) {
  const link = gateway.link(cid);
  if (link) { anchor.href = link; return; }
  if (blob) { anchor.href = URL.createObjectURL(blob); return; }
  anchor.href = '#';
  anchor.onclick = async (event) => {
    event.preventDefault();
    const bytes = await (await api('cat', { arg: cid })).blob();
    anchor.href = URL.createObjectURL(new Blob([bytes], { type: 'text/plain' }));
    anchor.onclick = null;
    anchor.click();
  };
}

// XMLHttpRequest rather than fetch: only it reports upload progress. The multipart layout is kubo's: one part
// per file, its URL-escaped name as the filename; the answer is one JSON line per entry, the root last.
$('add-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const file = $('add-file').files[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file, encodeURIComponent(file.name));
  const request = new XMLHttpRequest();
  request.open('POST', '/api/v0/add?' + new URLSearchParams({ pin: $('add-pin').checked ? 'true' : 'false' }));
  request.setRequestHeader('Authorization', authorization.Authorization);
  const progress = $('add-progress');
  progress.hidden = false;
  progress.value = 0;
  $('add-result').hidden = true;
  $('add-error').hidden = true;
  $('add-button').disabled = true;
  request.upload.onprogress = (e) => { if (e.lengthComputable) progress.value = e.loaded / e.total; };
  request.onload = () => {
    $('add-button').disabled = false;
    if (request.status !== 200) { showError('add-error', request.responseText); return; }
    const lines = request.responseText.split('\n').filter((l) => l.trim().length > 0).map((l) => JSON.parse(l));
    const root = lines[lines.length - 1];
    progress.value = 1;
    $('add-cid').textContent = root.Hash;
    $('add-size').textContent = formatBytes(Number(root.Size));
    setOpenLink($('add-open'), root.Hash, null);
    $('add-result').hidden = false;
    refreshRepo().catch(() => {});
  };
  request.onerror = () => { $('add-button').disabled = false; showError('add-error', 'the daemon did not answer'); };
  request.send(form);
});

function showError(id, text) {
  $(id).textContent = errorMessage(text, 'the daemon answered with an error');
  $(id).hidden = false;
}

// Streams cat and counts bytes against the size files/stat reports (or the X-Content-Length header).
$('fetch-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const cid = $('fetch-cid').value.trim();
  if (!cid) return;
  const progress = $('fetch-progress');
  $('fetch-result').hidden = true;
  $('fetch-error').hidden = true;
  $('fetch-button').disabled = true;
  progress.hidden = false;
  progress.value = 0;
  try {
    const stat = await apiJson('files/stat', { arg: cid });
    const response = await api('cat', { arg: cid });
    const total = Number(response.headers.get('X-Content-Length') || stat.Size) || 0;
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    const started = performance.now();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      progress.value = total > 0 ? received / total : 0;
      const seconds = (performance.now() - started) / 1000;
      $('fetch-status').textContent = formatBytes(received) + ' of ' + formatBytes(total) +
        (seconds > 0 ? ' · ' + formatBytes(received / seconds) + '/s' : '');
    }
    progress.value = 1;
    $('fetch-status').textContent = formatBytes(received) + ' received';
    const blob = new Blob(chunks, { type: 'application/octet-stream' });
    const save = $('fetch-save');
    save.href = URL.createObjectURL(blob);
    save.download = cid.split('/').pop();
    setOpenLink($('fetch-open'), cid, new Blob(chunks, { type: 'text/plain' }));
    $('fetch-result').hidden = false;
  } catch (error) {
    showError('fetch-error', error.message);
  } finally {
    $('fetch-button').disabled = false;
  }
});

async function tick(task) {
  try {
    await task();
    $('status').textContent = 'connected';
    $('status').className = 'status ok';
  } catch (error) {
    $('status').textContent = 'daemon unreachable: ' + error.message;
    $('status').className = 'status down';
  }
}

async function start() {
  await loadConfig();
  await tick(refreshIdentity);
  await tick(refreshRepo);
  await tick(refreshNetwork);
  // Live view: traffic once a second; the repo (a directory walk on the daemon) and the identity (addresses and
  // reachability change as peers observe the node, the router maps a port, relays take reservations) every five.
  setInterval(() => tick(refreshNetwork), 1000);
  setInterval(() => tick(refreshRepo), 5000);
  setInterval(() => tick(refreshIdentity), 5000);
}

start();
