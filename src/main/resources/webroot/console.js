/*
 * Chameleon pilot console. Plain JavaScript, no framework, no build step.
 *
 * - Reads go over the SockJS socket /ws/interventions (SPEC §7): auth, subscribe, get_pending,
 *   get_metrics, request_detail; pushes keep the page live.
 * - Actions go over HTTP with the token in the Authorization header (SPEC §8).
 * - The token lives in sessionStorage only (this tab), never in a URL.
 * - Every piece of data is rendered with textContent / DOM nodes: never innerHTML with data.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------------------------------
  // small helpers

  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = 'chameleon.console.token';
  const PRIORITIES = ['critical', 'high', 'normal', 'low'];
  const OPEN = new Set(['PENDING', 'IN_PROGRESS']);
  const ROLE_RANK = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };
  const ACTION_ROLE = { clarification: 'OPERATOR', resume: 'OPERATOR', cancel: 'OPERATOR', waive_violation: 'ADMIN', kill_switch: 'ADMIN' };
  const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
  const MAX_EVENTS = 200;

  /** Builds an element. props: class, text, on<Event>, anything else as an attribute. Children: nodes or strings (as text). */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') el.className = value;
        else if (key === 'text') el.textContent = String(value);
        else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
        else el.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  }

  function str(value) {
    if (value === undefined || value === null) return '—';
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }

  function shortId(id) {
    return typeof id === 'string' && id.length > 13 ? id.slice(0, 8) + '…' : str(id);
  }

  function age(iso) {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return '—';
    let s = Math.max(0, Math.round((Date.now() - t) / 1000));
    if (s < 60) return s + 's';
    const m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + (s % 60) + 's';
    const hrs = Math.floor(m / 60);
    if (hrs < 24) return hrs + 'h ' + (m % 60) + 'm';
    return Math.floor(hrs / 24) + 'd ' + (hrs % 24) + 'h';
  }

  function duration(seconds) {
    if (typeof seconds !== 'number' || !isFinite(seconds)) return '—';
    if (seconds < 60) return seconds.toFixed(seconds < 10 ? 1 : 0) + ' s';
    const m = Math.floor(seconds / 60);
    if (m < 60) return m + 'm ' + Math.round(seconds % 60) + 's';
    return Math.floor(m / 60) + 'h ' + (m % 60) + 'm';
  }

  function pad(n, w) {
    return String(n).padStart(w || 2, '0');
  }

  function clock(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return str(iso);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
  }

  function when(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return str(iso);
    const future = d.getTime() > Date.now() + 1000;
    const rel = future ? 'in ' + age(new Date(2 * Date.now() - d.getTime()).toISOString()) : age(iso) + ' ago';
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) + ' (' + rel + ')';
  }

  /** Event ids are "<ms>-<seq>": compare numerically, part by part. */
  function compareEventIds(a, b) {
    const [am, as] = String(a).split('-').map(Number);
    const [bm, bs] = String(b).split('-').map(Number);
    return am !== bm ? am - bm : as - bs;
  }

  function comparePending(a, b) {
    const pa = PRIORITIES.indexOf(a.priority);
    const pb = PRIORITIES.indexOf(b.priority);
    if (pa !== pb) return (pa < 0 ? 99 : pa) - (pb < 0 ? 99 : pb);
    if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
    return a.request_id < b.request_id ? -1 : a.request_id > b.request_id ? 1 : 0;
  }

  function priorityBadge(priority) {
    return h('span', { class: 'badge prio-' + (PRIORITIES.includes(priority) ? priority : 'low'), 'data-testid': 'priority-badge', text: priority || '—' });
  }

  function statusBadge(status, testid) {
    return h('span', { class: 'badge st st-' + String(status).replace(/[^A-Z_]/g, ''), 'data-testid': testid, text: status || '—' });
  }

  function kv(pairs, testid) {
    const dl = h('dl', { class: 'kv', 'data-testid': testid });
    for (const [key, value] of pairs) {
      if (value === undefined) continue;
      dl.appendChild(h('dt', { text: key }));
      dl.appendChild(h('dd', null, value instanceof Node ? value : str(value)));
    }
    return dl;
  }

  let toastTimer = null;
  function toast(message) {
    const el = $('toast');
    el.textContent = message;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
  }

  // ---------------------------------------------------------------------------------------------
  // state

  const state = {
    token: null,
    pilot: null,
    role: null,
    tab: 'interventions',
    requests: new Map(),      // request_id -> request (PENDING / IN_PROGRESS only)
    total: 0,
    fresh: new Set(),
    selectedId: null,
    detail: null,             // {request, uow, uowState: 'loading'|'linked'|'external'|'error', uowError}
    detailSeq: 0,
    metrics: null,
    events: [],               // newest first
    seenEvents: new Set(),
    lastEventId: null,
    halted: [],
    preview: null,            // {instance_id, reason, data}
  };

  function isViewer() { return state.role === 'VIEWER'; }
  function isAdmin() { return state.role === 'ADMIN'; }

  // ---------------------------------------------------------------------------------------------
  // HTTP actions

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json', Authorization: 'Bearer ' + state.token };
    const init = { method, headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'NETWORK', 'The server could not be reached.');
    }
    let envelope = null;
    try {
      envelope = await response.json();
    } catch (e) {
      envelope = null;
    }
    if (!response.ok || !envelope || envelope.success !== true) {
      const err = envelope && envelope.error ? envelope.error : {};
      const e = new ApiError(response.status, err.code || 'HTTP_' + response.status, err.message || response.statusText || 'Request failed');
      if (response.status === 401) {
        signOut('The server refused your token (' + e.message + '). Sign in again.');
      }
      throw e;
    }
    return envelope.data;
  }

  function errorText(e) {
    if (e instanceof ApiError) return (e.status ? e.status + ' ' : '') + e.code + ': ' + e.message;
    if (e && e.code && e.message) return e.code + ': ' + e.message;
    return String(e && e.message ? e.message : e);
  }

  // ---------------------------------------------------------------------------------------------
  // the socket

  const socket = {
    sock: null,
    nextId: 1,
    calls: new Map(),
    attempt: 0,
    timer: null,
    wanted: false,
    live: false,
    generation: 0,

    start() {
      this.wanted = true;
      this.attempt = 0;
      this.open();
    },

    stop() {
      this.wanted = false;
      clearTimeout(this.timer);
      this.failAll('closed');
      if (this.sock) {
        const s = this.sock;
        this.sock = null;
        try { s.close(); } catch (e) { /* already closed */ }
      }
      this.live = false;
      setConnection('offline');
    },

    open() {
      clearTimeout(this.timer);
      if (typeof window.SockJS !== 'function') {
        setConnection('offline');
        showSigninError('The SockJS client library did not load.');
        return;
      }
      const generation = ++this.generation;
      setConnection(this.attempt === 0 ? 'connecting' : 'reconnecting');
      const sock = new window.SockJS('/ws/interventions');
      this.sock = sock;
      sock.onopen = () => {
        if (generation !== this.generation) return;
        this.call('auth', { token: state.token }).then((data) => {
          if (generation !== this.generation) return;
          this.attempt = 0;
          this.live = true;
          onAuthenticated(data);
        }, (err) => {
          if (generation !== this.generation) return;
          if (err && (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN' || err.code === 'INVALID_TOKEN')) {
            signOut('Sign-in refused: ' + (err.message || err.code));
          }
        });
      };
      sock.onmessage = (e) => {
        if (generation !== this.generation) return;
        this.onFrame(e.data);
      };
      sock.onclose = () => {
        if (generation !== this.generation) return;
        this.sock = null;
        this.live = false;
        this.failAll('the connection closed');
        if (!this.wanted) return;
        this.scheduleReconnect();
      };
    },

    scheduleReconnect() {
      const base = Math.min(30000, 500 * Math.pow(2, this.attempt));
      const delay = Math.round(base * (0.75 + Math.random() * 0.5));
      this.attempt += 1;
      setConnection('reconnecting', delay);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => { if (this.wanted) this.open(); }, delay);
    },

    failAll(why) {
      for (const call of this.calls.values()) {
        clearTimeout(call.timer);
        call.reject({ code: 'DISCONNECTED', message: why });
      }
      this.calls.clear();
    },

    /** Sends a request; resolves with its data, rejects with its error {code, message}. */
    call(type, payload) {
      return new Promise((resolve, reject) => {
        if (!this.sock || this.sock.readyState !== 1) {
          reject({ code: 'DISCONNECTED', message: 'not connected' });
          return;
        }
        const id = String(this.nextId++);
        const timer = setTimeout(() => {
          this.calls.delete(id);
          reject({ code: 'TIMEOUT', message: type + ' got no answer' });
        }, 15000);
        this.calls.set(id, { resolve, reject, timer });
        this.sock.send(JSON.stringify({ type, id, payload: payload || {} }));
      });
    },

    onFrame(text) {
      let msg;
      try {
        msg = JSON.parse(text);
      } catch (e) {
        return;
      }
      if (!msg || typeof msg !== 'object') return;
      if (msg.id !== undefined && msg.id !== null && this.calls.has(String(msg.id))) {
        const call = this.calls.get(String(msg.id));
        this.calls.delete(String(msg.id));
        clearTimeout(call.timer);
        if (msg.success) call.resolve(msg.data);
        else call.reject(msg.error || { code: 'ERROR', message: 'request failed' });
        return;
      }
      if (msg.success === false) {
        console.warn('socket error frame', msg.error);
        return;
      }
      onPush(msg.type, msg.data);
    },
  };

  function setConnection(conn, delay) {
    const el = $('conn');
    el.dataset.state = conn;
    el.textContent = conn === 'reconnecting' && delay ? 'reconnecting (' + Math.ceil(delay / 1000) + ' s)' : conn;
    el.title = conn === 'live' ? 'Connected: changes appear as they happen' : 'Not connected: the page is not live';
  }

  // ---------------------------------------------------------------------------------------------
  // session

  function signIn(token) {
    token = token.trim().replace(/^Bearer\s+/i, '');
    if (!token) return;
    state.token = token;
    try { sessionStorage.setItem(TOKEN_KEY, token); } catch (e) { /* private mode: keep it in memory */ }
    $('signin-button').disabled = true;
    $('signin-button').textContent = 'Signing in…';
    $('signin-error').hidden = true;
    socket.start();
  }

  function signOut(message) {
    socket.stop();
    try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* ignore */ }
    state.token = null;
    state.pilot = null;
    state.role = null;
    state.requests.clear();
    state.selectedId = null;
    state.detail = null;
    state.metrics = null;
    state.events = [];
    state.seenEvents.clear();
    state.lastEventId = null;
    state.halted = [];
    state.preview = null;
    $('tabs').hidden = true;
    $('who').hidden = true;
    for (const v of document.querySelectorAll('main > section')) v.hidden = true;
    $('view-signin').hidden = false;
    $('token-input').value = '';
    $('signin-button').textContent = 'Sign in';
    $('signin-button').disabled = true;
    if (message) showSigninError(message);
    else $('signin-error').hidden = true;
    clear($('event-feed'));
    clear($('pending-body'));
    renderDetail();
  }

  function showSigninError(message) {
    const el = $('signin-error');
    el.textContent = message;
    el.hidden = false;
    $('signin-button').textContent = 'Sign in';
    $('signin-button').disabled = !$('token-input').value.trim();
  }

  function onAuthenticated(data) {
    state.pilot = data && data.pilot_id;
    state.role = data && data.role;
    $('pilot-id').textContent = state.pilot || '?';
    $('pilot-role').textContent = state.role || '?';
    document.body.dataset.role = state.role || '';
    document.querySelector('[data-tab="killswitch"]').hidden = !isAdmin();
    if (!isAdmin() && state.tab === 'killswitch') state.tab = 'interventions';
    $('view-signin').hidden = true;
    $('tabs').hidden = false;
    $('who').hidden = false;
    showTab(state.tab);
    setConnection('live');
    resubscribeAndRefresh();
  }

  /** After (re)connecting or a resync: subscribe from the last seen event, then re-fetch everything. */
  function resubscribeAndRefresh() {
    const payload = state.lastEventId ? { after: state.lastEventId } : {};
    socket.call('subscribe', payload).catch((e) => toast('subscribe failed: ' + errorText(e)));
    refreshAll();
  }

  function refreshAll() {
    loadPending();
    socket.call('get_metrics', {}).then((m) => { state.metrics = m; renderMetrics(); }, () => {});
    if (isAdmin()) loadHalted();
    if (state.selectedId) loadDetail(state.selectedId, true);
  }

  // ---------------------------------------------------------------------------------------------
  // pending list

  let pendingLoading = 0;
  let bufferedPushes = [];

  function loadPending() {
    const seq = ++pendingLoading;
    bufferedPushes = [];
    socket.call('get_pending', { limit: 500 }).then((data) => {
      if (seq !== pendingLoading) return;
      state.requests.clear();
      for (const r of (data && data.requests) || []) state.requests.set(r.request_id, r);
      state.total = data && typeof data.total === 'number' ? data.total : state.requests.size;
      const replay = bufferedPushes;
      bufferedPushes = [];
      pendingLoading = 0;
      for (const apply of replay) apply();
      renderPending();
    }, (e) => {
      if (seq === pendingLoading) pendingLoading = 0;
      if (e && e.code !== 'DISCONNECTED') toast('Could not load the pending list: ' + errorText(e));
    });
  }

  /** Applies a change now, and again after an in-flight get_pending lands (it may be older than the push). */
  function applyPendingChange(apply) {
    if (pendingLoading) bufferedPushes.push(apply);
    apply();
    renderPending();
  }

  function upsertRequest(r) {
    if (!r || !r.request_id) return;
    const had = state.requests.has(r.request_id);
    if (OPEN.has(r.status)) {
      const old = state.requests.get(r.request_id);
      if (old && typeof old.version === 'number' && typeof r.version === 'number' && old.version > r.version) return;
      state.requests.set(r.request_id, r);
      if (!had) state.total += 1;
    } else if (had) {
      state.requests.delete(r.request_id);
      state.total = Math.max(0, state.total - 1);
    }
  }

  function renderPending() {
    const body = clear($('pending-body'));
    const list = Array.from(state.requests.values()).sort(comparePending);
    for (const r of list) {
      const row = h('tr', {
        'data-testid': 'pending-row',
        'data-request-id': r.request_id,
        'data-priority': r.priority,
        class: (r.request_id === state.selectedId ? 'selected ' : '') + (state.fresh.has(r.request_id) ? 'fresh' : ''),
        tabindex: 0,
        onclick: () => selectRequest(r.request_id),
        onkeydown: (e) => { if (e.key === 'Enter') selectRequest(r.request_id); },
      },
      h('td', null, priorityBadge(r.priority)),
      h('td', null,
        h('div', { class: 'req-title', 'data-testid': 'pending-title', text: r.title }),
        h('div', { class: 'req-sub' },
          h('span', { class: 'type-tag', text: r.intervention_type }), ' · ',
          statusBadge(r.status, 'pending-status'),
          r.required_role === 'ADMIN' ? ' · needs ADMIN' : '')),
      h('td', { class: 'age', 'data-created': r.created_at, text: age(r.created_at) }),
      h('td', { class: 'assignee', 'data-testid': 'pending-assignee', text: r.assigned_to || '—' }));
      body.appendChild(row);
    }
    state.fresh.clear();
    $('pending-empty').hidden = list.length > 0;
    const shown = list.length;
    $('pending-summary').textContent = state.total > shown ? shown + ' of ' + state.total : String(shown);
    $('tab-pending-count').textContent = String(Math.max(state.total, shown));
  }

  function tickAges() {
    for (const cell of document.querySelectorAll('td.age[data-created]')) {
      cell.textContent = age(cell.dataset.created);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // detail

  function selectRequest(id) {
    state.selectedId = id;
    for (const row of document.querySelectorAll('#pending-body tr')) {
      row.classList.toggle('selected', row.dataset.requestId === id);
    }
    state.detail = null;
    renderDetail();
    loadDetail(id, false);
  }

  async function loadDetail(id, quiet) {
    const seq = ++state.detailSeq;
    let request;
    try {
      request = socket.live
        ? await socket.call('request_detail', { request_id: id })
        : await api('GET', '/api/interventions/' + encodeURIComponent(id));
    } catch (e) {
      if (seq !== state.detailSeq) return;
      if (!quiet || !state.detail) {
        state.detail = { error: errorText(e) };
        renderDetail();
      }
      return;
    }
    if (seq !== state.detailSeq) return;
    const previous = state.detail && state.detail.request && state.detail.request.request_id === id ? state.detail : null;
    state.detail = { request, uow: previous ? previous.uow : null, uowState: previous ? previous.uowState : 'loading', message: previous ? previous.message : null };
    renderDetail();
    await loadUow(seq, request.uow_id);
  }

  async function loadUow(seq, uowId) {
    if (!UUID_RE.test(String(uowId))) {
      if (seq === state.detailSeq && state.detail) {
        state.detail.uowState = 'external';
        renderDetail();
      }
      return;
    }
    try {
      const uow = await api('GET', '/api/uows/' + encodeURIComponent(uowId));
      if (seq !== state.detailSeq || !state.detail) return;
      state.detail.uow = uow;
      state.detail.uowState = 'linked';
    } catch (e) {
      if (seq !== state.detailSeq || !state.detail) return;
      state.detail.uow = null;
      if (e.status === 404) state.detail.uowState = 'external';
      else { state.detail.uowState = 'error'; state.detail.uowError = errorText(e); }
    }
    renderDetail();
  }

  function neededRole(r) {
    const a = ROLE_RANK[r.required_role] || ROLE_RANK.OPERATOR;
    const b = ROLE_RANK[ACTION_ROLE[r.intervention_type]] || ROLE_RANK.OPERATOR;
    return a >= b ? (r.required_role || 'OPERATOR') : ACTION_ROLE[r.intervention_type];
  }

  function renderDetail() {
    const body = $('detail-body');
    const empty = $('detail-empty');
    const d = state.detail;
    if (!state.selectedId || !d) {
      clear(body);
      body.hidden = true;
      empty.hidden = false;
      empty.textContent = state.selectedId ? 'Loading…' : 'Select a request to see its unit of work, history and the guardian decision that parked it.';
      return;
    }
    empty.hidden = true;
    body.hidden = false;
    // keep what the pilot is typing across re-renders
    const typed = $('action-reason') ? $('action-reason').value : '';
    clear(body);
    if (d.error) {
      body.appendChild(h('div', { class: 'error', 'data-testid': 'detail-error', text: d.error }));
      return;
    }
    const r = d.request;
    body.appendChild(h('div', { class: 'detail-head' },
      h('h2', { 'data-testid': 'detail-title', text: r.title }),
      priorityBadge(r.priority),
      statusBadge(r.status, 'detail-status'),
      h('span', { class: 'type-tag', text: r.intervention_type })));
    body.appendChild(kv([
      ['Request', h('span', { class: 'mono', 'data-testid': 'detail-request-id', text: r.request_id })],
      ['Unit of work', h('span', { class: 'mono', text: r.uow_id })],
      ['Needs', neededRole(r)],
      ['Created', when(r.created_at)],
      ['Expires', when(r.expires_at)],
      ['Assigned to', r.assigned_to || '—'],
      r.action_timestamp ? ['Decided', when(r.action_timestamp)] : [null, undefined],
      r.action_reason ? ['Reason', r.action_reason] : [null, undefined],
      ['Version', r.version],
    ].filter((p) => p[0] !== null), 'detail-fields'));
    if (r.description) body.appendChild(h('p', { class: 'description', text: r.description }));

    body.appendChild(renderActions(r, typed, d.message));
    body.appendChild(renderExplanation(r, d.uow));
    body.appendChild(renderUow(d));
  }

  function renderActions(r, typed, message) {
    const section = h('div', { class: 'section actions', 'data-testid': 'actions' }, h('h3', { text: 'Decision' }));
    if (!OPEN.has(r.status)) {
      section.appendChild(h('div', { class: r.status === 'APPROVED' || r.status === 'COMPLETED' ? 'success' : 'note', 'data-testid': 'decided' },
        r.status + (r.assigned_to ? ' by ' + r.assigned_to : '') + (r.action_reason ? ' — ' + r.action_reason : '')));
      if (message) section.appendChild(h('div', { class: message.ok ? 'success' : 'error', 'data-testid': message.ok ? 'action-result' : 'action-error', text: message.text }));
      return section;
    }
    if (isViewer()) {
      section.appendChild(h('div', { class: 'note', 'data-testid': 'read-only', text: 'Read-only: a VIEWER sees requests but cannot act on them.' }));
      return section;
    }
    const needed = neededRole(r);
    const allowed = (ROLE_RANK[state.role] || 0) >= ROLE_RANK[needed];
    const reason = h('textarea', { id: 'action-reason', 'data-testid': 'action-reason', rows: 2, placeholder: 'Reason (required to approve or reject; recorded in the audit log)' });
    reason.value = typed;
    const claim = h('button', { type: 'button', 'data-testid': 'action-claim', text: r.status === 'IN_PROGRESS' && r.assigned_to === state.pilot ? 'Claimed by you' : 'Claim' });
    const approve = h('button', { type: 'button', class: 'approve', 'data-testid': 'action-approve', text: 'Approve' });
    const reject = h('button', { type: 'button', class: 'danger', 'data-testid': 'action-reject', text: 'Reject' });
    const sync = () => {
      const has = reason.value.trim().length > 0;
      claim.disabled = !allowed || r.status !== 'PENDING';
      approve.disabled = !allowed || !has;
      reject.disabled = !allowed || !has;
    };
    reason.addEventListener('input', sync);
    sync();
    const run = async (action, btn) => {
      const body = action === 'claim' ? {} : { reason: reason.value.trim() };
      for (const b of [claim, approve, reject]) b.disabled = true;
      btn.textContent = btn.textContent + '…';
      try {
        const updated = await api('POST', '/api/interventions/' + encodeURIComponent(r.request_id) + '/' + action, body);
        const req = updated && updated.request_id ? updated : (updated && updated.request) || null;
        if (req) applyPendingChange(() => upsertRequest(req));
        if (state.detail && state.detail.request.request_id === r.request_id) {
          if (req) state.detail.request = req;
          state.detail.message = { ok: true, text: action === 'claim' ? 'Claimed.' : (action === 'approve' ? 'Approved.' : 'Rejected.') };
          if (action !== 'claim') reason.value = '';
          renderDetail();
          loadDetail(r.request_id, true);
        }
      } catch (e) {
        if (state.detail && state.detail.request.request_id === r.request_id) {
          state.detail.message = { ok: false, text: errorText(e) };
          renderDetail();
        }
      }
    };
    claim.addEventListener('click', () => run('claim', claim));
    approve.addEventListener('click', () => run('approve', approve));
    reject.addEventListener('click', () => run('reject', reject));
    section.appendChild(reason);
    section.appendChild(h('div', { class: 'buttons' }, claim, approve, reject));
    if (!allowed) section.appendChild(h('div', { class: 'note', text: 'This request needs ' + needed + '; you are ' + state.role + '.' }));
    if (message) section.appendChild(h('div', { class: message.ok ? 'success' : 'error', 'data-testid': message.ok ? 'action-result' : 'action-error', text: message.text }));
    return section;
  }

  // ---- guardian explanation

  function renderExplanation(r, uow) {
    const section = h('div', { class: 'section', 'data-testid': 'explanation' }, h('h3', { text: 'Why it was parked' }));
    const context = r.context && typeof r.context === 'object' ? r.context : {};
    let decision = null;
    if (isDecision(context)) decision = context;
    else if (isDecision(context.decision)) decision = context.decision;
    else if (uow && isDecision(uow.parked_decision)) decision = uow.parked_decision;
    if (decision) section.appendChild(renderDecision(decision, 0));
    const others = Object.entries(context).filter(([k]) => !(k === 'decision' && decision) && !isDecision(context));
    if (others.length) {
      section.appendChild(h('div', { class: 'sub', text: 'Context' }));
      section.appendChild(kv(others.map(([k, v]) => [k, valueNode(v)]), 'context'));
    }
    if (!decision && !others.length) {
      section.appendChild(h('div', { class: 'muted', text: 'No guardian decision is attached to this request.' }));
    }
    return section;
  }

  function isDecision(d) {
    return d && typeof d === 'object' && !Array.isArray(d) && 'allowed' in d && ('guardian_type' in d || 'reason' in d);
  }

  function valueNode(v) {
    if (v !== null && typeof v === 'object') return h('pre', { class: 'json', text: JSON.stringify(v, null, 2) });
    return document.createTextNode(str(v));
  }

  function renderDecision(d, depth) {
    const box = h('div', { class: 'decision', 'data-testid': 'decision', 'data-guardian-type': d.guardian_type || '' },
      h('div', { class: 'decision-head' },
        h('span', { class: d.allowed ? 'pass' : 'fail', text: d.allowed ? '✔ allowed' : '✘ blocked' }),
        h('strong', { text: d.name || '(unnamed)' }),
        h('span', { class: 'type-tag', text: d.guardian_type || '' })),
      d.reason ? h('div', { 'data-testid': 'decision-reason', text: d.reason }) : null);
    const meta = d.metadata && typeof d.metadata === 'object' ? d.metadata : {};
    const rest = [];
    for (const [key, value] of Object.entries(meta)) {
      if (key === 'rules' && Array.isArray(value)) {
        box.appendChild(renderRules(value, meta.operator));
      } else if (key === 'children' && Array.isArray(value) && depth < 8) {
        const note = 'Children (' + (meta.operator || 'AND') + ')' +
          (meta.stopped_at !== undefined && meta.stopped_at !== null ? ', stopped at #' + (Number(meta.stopped_at) + 1) : ', all evaluated');
        box.appendChild(h('div', { class: 'muted', text: note }));
        for (const child of value) box.appendChild(isDecision(child) ? renderDecision(child, depth + 1) : valueNode(child));
      } else if (!((key === 'operator' || key === 'stopped_at') && (Array.isArray(meta.rules) || Array.isArray(meta.children)))) {
        rest.push([key, valueNode(value)]);
      }
    }
    if (rest.length) box.appendChild(kv(rest, 'decision-metadata'));
    return box;
  }

  function renderRules(rules, operator) {
    const table = h('table', { class: 'rules', 'data-testid': 'rules-table' },
      h('thead', null, h('tr', null, h('th', { text: 'Field' }), h('th', { text: 'Condition' }), h('th', { text: 'Expected' }), h('th', { text: 'Actual' }), h('th', { text: 'Result' }))));
    const tbody = h('tbody');
    for (const rule of rules) {
      tbody.appendChild(h('tr', { 'data-testid': 'rule-row' },
        h('td', { class: 'mono', text: str(rule.field) }),
        h('td', { text: str(rule.condition) }),
        h('td', { class: 'mono', text: 'expected' in rule ? str(rule.expected) : '—' }),
        h('td', { class: 'mono', text: 'actual' in rule ? str(rule.actual) : '(missing)' }),
        h('td', { class: rule.result ? 'pass' : 'fail', text: rule.result ? 'pass' : 'fail' })));
    }
    table.appendChild(tbody);
    return h('div', null, h('div', { class: 'muted', text: 'Rules (' + (operator || 'AND') + ')' }), table);
  }

  // ---- unit of work

  function renderUow(d) {
    const section = h('div', { class: 'section', 'data-testid': 'uow' }, h('h3', { text: 'Unit of work' }));
    if (d.uowState === 'loading') {
      section.appendChild(h('div', { class: 'muted', text: 'Loading…' }));
      return section;
    }
    if (d.uowState === 'external') {
      section.appendChild(h('div', { class: 'note', 'data-testid': 'uow-external',
        text: 'External UOW: it is not registered here. The decision is recorded and emitted for the engine that owns it.' }));
      return section;
    }
    if (d.uowState === 'error') {
      section.appendChild(h('div', { class: 'error', text: 'Could not load the unit of work: ' + d.uowError }));
      return section;
    }
    const u = d.uow;
    section.appendChild(kv([
      ['Status', statusBadge(u.status, 'uow-status')],
      ['Instance', h('span', { class: 'mono', text: str(u.instance_id) })],
      u.parent_uow_id ? ['Parent', h('span', { class: 'mono', text: u.parent_uow_id })] : [null, undefined],
      ['Interactions', str(u.interaction_count) + ' of ' + str(u.max_interactions)],
      ['Children', str(u.finished_child_count) + ' finished of ' + str(u.child_count)],
      u.pause ? ['Paused', str(u.pause.reason) + (u.pause.rule_id ? ' (rule ' + u.pause.rule_id + ')' : '')] : [null, undefined],
      u.clarification ? ['Clarification', u.clarification] : [null, undefined],
      ['Created', when(u.created_at)],
      ['Updated', when(u.updated_at)],
      ['Version', u.version],
    ].filter((p) => p[0] !== null), 'uow-fields'));
    const attrs = u.attributes && typeof u.attributes === 'object' ? Object.entries(u.attributes) : [];
    if (attrs.length) {
      section.appendChild(h('div', { class: 'sub', text: 'Attributes' }));
      section.appendChild(kv(attrs.map(([k, v]) => [k, valueNode(v)]), 'uow-attributes'));
    }
    const history = Array.isArray(u.history) ? u.history : [];
    const hist = h('div', { class: 'section', 'data-testid': 'uow-history' }, h('h3', { text: 'History (' + history.length + ')' }));
    const list = h('ol', { class: 'timeline' });
    for (const entry of history) list.appendChild(renderHistoryEntry(entry));
    if (!history.length) hist.appendChild(h('div', { class: 'muted', text: 'No history.' }));
    else hist.appendChild(list);
    section.appendChild(hist);
    return section;
  }

  function renderHistoryEntry(e) {
    const type = e.event_type || e.type || e.action || 'change';
    const at = e.timestamp || e.at || e.created_at;
    const move = e.from_status && e.to_status && e.from_status !== e.to_status ? e.from_status + ' → ' + e.to_status
      : e.to_status && !e.from_status ? '→ ' + e.to_status : null;
    const detailParts = [];
    const details = e.details && typeof e.details === 'object' ? e.details : {};
    for (const [k, v] of Object.entries(details)) {
      if (v === null || v === undefined) continue;
      if (k === 'decision' && isDecision(v)) {
        detailParts.push((v.name || v.guardian_type || 'guardian') + ': ' + (v.allowed ? 'allowed' : 'blocked') + (v.reason ? ' — ' + v.reason : ''));
      } else {
        const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
        detailParts.push(k + ': ' + (text.length > 120 ? text.slice(0, 117) + '…' : text));
      }
    }
    return h('li', { 'data-testid': 'history-entry' },
      h('div', { class: 'when', text: (at ? clock(at) + ' · ' + new Date(at).toLocaleDateString() : '') + (e.pilot_id ? ' · by ' + e.pilot_id : '') }),
      h('div', { class: 'what' }, type, move ? h('span', { class: 'muted', text: '  ' + move }) : null),
      detailParts.length ? h('div', { class: 'details', text: detailParts.join(' · ') }) : null);
  }

  // ---------------------------------------------------------------------------------------------
  // metrics

  const charts = {};
  const STATUS_KEYS = [
    ['pending_interventions', 'Pending', '#d4a72c'],
    ['in_progress_interventions', 'In progress', '#1f6feb'],
    ['approved_interventions', 'Approved', '#1a7f37'],
    ['rejected_interventions', 'Rejected', '#cf222e'],
    ['expired_interventions', 'Expired', '#8c959f'],
    ['completed_interventions', 'Completed', '#6e40c9'],
  ];
  const PRIORITY_COLORS = { critical: '#b4232c', high: '#d4650b', normal: '#1f6feb', low: '#8c959f' };

  function renderMetrics() {
    const m = state.metrics || {};
    const kpis = clear($('kpis'));
    const tile = (key, label, value) => h('div', { class: 'kpi' }, h('div', { class: 'label', text: label }), h('div', { class: 'value', 'data-testid': 'metric-' + key, text: value }));
    kpis.appendChild(tile('total', 'Total', str(m.total_interventions ?? 0)));
    kpis.appendChild(tile('pending', 'Pending', str(m.pending_interventions ?? 0)));
    kpis.appendChild(tile('in_progress', 'In progress', str(m.in_progress_interventions ?? 0)));
    kpis.appendChild(tile('approved', 'Approved', str(m.approved_interventions ?? 0)));
    kpis.appendChild(tile('rejected', 'Rejected', str(m.rejected_interventions ?? 0)));
    kpis.appendChild(tile('avg_resolution', 'Avg resolution', duration(m.avg_resolution_time_seconds)));
    if (state.tab === 'metrics') drawCharts();
  }

  function drawCharts() {
    if (typeof window.Chart !== 'function') return;
    const m = state.metrics || {};
    const byType = m.by_type && typeof m.by_type === 'object' ? m.by_type : {};
    const byPriority = m.by_priority && typeof m.by_priority === 'object' ? m.by_priority : {};
    const top = Array.isArray(m.top_pilots) ? m.top_pilots : [];
    const prios = PRIORITIES.concat(Object.keys(byPriority).filter((p) => !PRIORITIES.includes(p)));
    chart('status', 'doughnut', STATUS_KEYS.map((s) => s[1]), STATUS_KEYS.map((s) => Number(m[s[0]] || 0)), STATUS_KEYS.map((s) => s[2]), { legend: true });
    chart('type', 'bar', Object.keys(byType), Object.values(byType).map(Number), '#1f6feb', {});
    chart('priority', 'bar', prios, prios.map((p) => Number(byPriority[p] || 0)), prios.map((p) => PRIORITY_COLORS[p] || '#8c959f'), {});
    chart('pilots', 'bar', top.map((t) => String(t.pilot_id)), top.map((t) => Number(t.interventions || 0)), '#6e40c9', { horizontal: true });
  }

  function chart(name, type, labels, values, colors, opts) {
    const existing = charts[name];
    if (existing) {
      existing.data.labels = labels;
      existing.data.datasets[0].data = values;
      existing.data.datasets[0].backgroundColor = colors;
      existing.update('none');
      return;
    }
    const canvas = $('chart-' + name);
    charts[name] = new window.Chart(canvas, {
      type,
      data: { labels, datasets: [{ data: values, backgroundColor: colors, borderWidth: type === 'doughnut' ? 1 : 0, borderRadius: type === 'bar' ? 4 : 0, maxBarThickness: 48 }] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: opts.horizontal ? 'y' : 'x',
        plugins: { legend: { display: !!opts.legend, position: 'right' } },
        scales: type === 'bar' ? { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } } : {},
      },
    });
  }

  // ---------------------------------------------------------------------------------------------
  // kill switch (ADMIN)

  function ksInputs() {
    return { instance_id: $('ks-instance').value.trim(), reason: $('ks-reason').value.trim() };
  }

  function syncKillSwitch() {
    const { instance_id, reason } = ksInputs();
    const filled = instance_id.length > 0 && reason.length > 0;
    $('ks-preview').disabled = !filled;
    $('ks-halt').disabled = !(filled && state.preview && state.preview.instance_id === instance_id);
  }

  function ksError(message) {
    const el = $('ks-error');
    el.textContent = message || '';
    el.hidden = !message;
  }

  async function previewKillSwitch() {
    const input = ksInputs();
    ksError(null);
    state.preview = null;
    syncKillSwitch();
    const out = $('ks-preview-result');
    try {
      const data = await api('POST', '/pilot/kill-switch', { instance_id: input.instance_id, reason: input.reason, dry_run: true });
      state.preview = { instance_id: input.instance_id, data };
      const ids = Array.isArray(data.paused_uow_ids) ? data.paused_uow_ids : [];
      const count = typeof data.paused_uow_count === 'number' ? data.paused_uow_count : ids.length;
      clear(out).appendChild(h('div', null, h('strong', { 'data-testid': 'killswitch-preview-count', text: String(count) }),
        count === 1 ? ' active unit of work would be paused.' : ' active units of work would be paused.'));
      if (ids.length) {
        const ul = h('ul');
        for (const id of ids.slice(0, 50)) ul.appendChild(h('li', { 'data-testid': 'killswitch-preview-uow', text: id }));
        if (ids.length > 50) ul.appendChild(h('li', { text: '… and ' + (ids.length - 50) + ' more' }));
        out.appendChild(ul);
      }
      out.appendChild(h('div', { class: 'muted', text: 'Nothing has changed yet. Press “Halt instance” to do it.' }));
      out.hidden = false;
    } catch (e) {
      out.hidden = true;
      ksError(errorText(e));
    }
    syncKillSwitch();
  }

  async function haltInstance() {
    const input = ksInputs();
    if (!state.preview || state.preview.instance_id !== input.instance_id) return;
    ksError(null);
    $('ks-halt').disabled = true;
    try {
      const data = await api('POST', '/pilot/kill-switch', { instance_id: input.instance_id, reason: input.reason });
      state.preview = null;
      const out = clear($('ks-preview-result'));
      out.appendChild(h('div', { 'data-testid': 'killswitch-halted', text: 'Halted ' + input.instance_id + ': ' + str(data.paused_uow_count) + ' paused.' }));
      out.hidden = false;
      $('ks-reason').value = '';
      loadHalted();
    } catch (e) {
      ksError(errorText(e));
    }
    syncKillSwitch();
  }

  async function loadHalted() {
    if (!isAdmin()) return;
    try {
      const data = await api('GET', '/api/instances/halted');
      state.halted = (data && data.instances) || [];
    } catch (e) {
      state.halted = null;
      state.haltedError = errorText(e);
    }
    renderHalted();
  }

  function renderHalted() {
    const box = clear($('halted-list'));
    if (state.halted === null) {
      box.appendChild(h('div', { class: 'error', text: 'Could not load halted instances: ' + state.haltedError }));
      return;
    }
    if (!state.halted.length) {
      box.appendChild(h('div', { class: 'empty', 'data-testid': 'halted-empty', text: 'No instance is halted.' }));
      return;
    }
    for (const inst of state.halted) {
      const reason = h('input', { placeholder: 'Reason for releasing', 'data-testid': 'release-reason' });
      const release = h('button', { type: 'button', class: 'primary', 'data-testid': 'release-button', text: 'Release', disabled: true });
      const err = h('div', { class: 'error', hidden: true });
      reason.addEventListener('input', () => { release.disabled = !reason.value.trim(); });
      release.addEventListener('click', async () => {
        release.disabled = true;
        err.hidden = true;
        try {
          await api('POST', '/pilot/kill-switch/release', { instance_id: inst.instance_id, reason: reason.value.trim() });
          toast('Released ' + inst.instance_id);
          loadHalted();
        } catch (e) {
          err.textContent = errorText(e);
          err.hidden = false;
          release.disabled = !reason.value.trim();
        }
      });
      const ids = Array.isArray(inst.paused_uow_ids) ? inst.paused_uow_ids : [];
      box.appendChild(h('div', { class: 'halted', 'data-testid': 'halted-instance', 'data-instance-id': inst.instance_id },
        h('div', { class: 'halted-id mono', 'data-testid': 'halted-instance-id', text: inst.instance_id }),
        kv([['Halted by', inst.halted_by], ['When', when(inst.halted_at)], ['Reason', inst.reason], ['Paused', ids.length + ' unit(s) of work']]),
        h('div', { class: 'row' }, reason, release), err));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // event feed

  function addEvent(evt) {
    if (!evt || !evt.id || state.seenEvents.has(evt.id)) return false;
    state.seenEvents.add(evt.id);
    if (!state.lastEventId || compareEventIds(evt.id, state.lastEventId) > 0) state.lastEventId = evt.id;
    state.events.unshift(evt);
    state.events.sort((a, b) => compareEventIds(b.id, a.id));
    while (state.events.length > MAX_EVENTS) {
      const dropped = state.events.pop();
      state.seenEvents.delete(dropped.id);
    }
    return true;
  }

  function summarize(evt) {
    const p = evt.payload && typeof evt.payload === 'object' ? evt.payload : {};
    const parts = [];
    const req = p.request && typeof p.request === 'object' ? p.request : null;
    const uow = p.uow && typeof p.uow === 'object' ? p.uow : null;
    const decision = p.decision && typeof p.decision === 'object' ? p.decision : null;
    if (req && req.title) parts.push('“' + req.title + '”');
    if (p.title) parts.push('“' + p.title + '”');
    const requestId = p.request_id || (req && req.request_id);
    if (requestId) parts.push('request ' + shortId(requestId));
    const uowId = p.uow_id || (uow && uow.uow_id) || (req && req.uow_id);
    if (uowId) parts.push('uow ' + shortId(uowId));
    if (p.instance_id) parts.push('instance ' + shortId(p.instance_id));
    if (p.old_status || p.new_status) parts.push(str(p.old_status) + ' → ' + str(p.new_status));
    if (decision) parts.push((decision.name || decision.guardian_type || 'guardian') + (decision.allowed ? ' allowed' : ' blocked'));
    if (p.name && !decision) parts.push(String(p.name));
    if (p.paused_uow_count !== undefined) parts.push(p.paused_uow_count + ' paused');
    if (p.reason && typeof p.reason === 'string') parts.push('reason: ' + p.reason);
    const actor = p.pilot_id || p.actor || p.updated_by;
    if (actor) parts.push('by ' + actor);
    if (evt.event_type === 'pilot_auth_denied' && p.path) parts.push(String(p.method || '') + ' ' + p.path);
    const text = parts.join(' · ');
    return text.length > 200 ? text.slice(0, 197) + '…' : text;
  }

  function renderEvents() {
    const body = clear($('event-feed'));
    for (const evt of state.events) {
      body.appendChild(h('tr', { 'data-testid': 'event-row', 'data-event-type': evt.event_type, 'data-event-id': evt.id },
        h('td', { class: 'time', title: str(evt.timestamp), text: clock(evt.timestamp) }),
        h('td', { class: 'etype', text: evt.event_type }),
        h('td', { class: 'summary', text: summarize(evt) })));
    }
    $('events-empty').hidden = state.events.length > 0;
  }

  let eventsRenderQueued = false;
  function queueRenderEvents() {
    if (eventsRenderQueued) return;
    eventsRenderQueued = true;
    requestAnimationFrame(() => { eventsRenderQueued = false; renderEvents(); });
  }

  // ---------------------------------------------------------------------------------------------
  // pushes

  let uowReloadTimer = null;

  function onPush(type, data) {
    switch (type) {
      case 'new_request':
        if (data && data.request_id) state.fresh.add(data.request_id);
        applyPendingChange(() => upsertRequest(data));
        break;
      case 'status_changed': {
        if (!data || !data.request_id) break;
        const id = data.request_id;
        applyPendingChange(() => {
          if (data.request && data.request.request_id === id) {
            upsertRequest(data.request);
            return;
          }
          const r = state.requests.get(id);
          if (!r) return;
          if (OPEN.has(data.new_status)) {
            state.requests.set(id, Object.assign({}, r, { status: data.new_status, assigned_to: data.new_status === 'IN_PROGRESS' ? (data.updated_by || r.assigned_to) : r.assigned_to }));
          } else {
            state.requests.delete(id);
            state.total = Math.max(0, state.total - 1);
          }
        });
        if (!state.requests.has(id) && !data.request && OPEN.has(data.new_status) && socket.live) {
          socket.call('request_detail', { request_id: id }).then((r) => applyPendingChange(() => upsertRequest(r)), () => {});
        }
        if (state.selectedId === id) loadDetail(id, true);
        break;
      }
      case 'metrics_update':
        state.metrics = data;
        renderMetrics();
        break;
      case 'uow_changed':
        if (data && state.detail && state.detail.request && state.detail.request.uow_id === data.uow_id) {
          clearTimeout(uowReloadTimer);
          uowReloadTimer = setTimeout(() => { if (state.detail && state.selectedId) loadUow(state.detailSeq, state.detail.request.uow_id); }, 150);
        }
        break;
      case 'event':
        if (addEvent(data)) {
          queueRenderEvents();
          if (data.event_type === 'kill_switch_activated' || data.event_type === 'kill_switch_released') loadHalted();
        }
        break;
      case 'resync':
        resubscribeAndRefresh();
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // tabs and wiring

  function showTab(tab) {
    if (tab === 'killswitch' && !isAdmin()) tab = 'interventions';
    state.tab = tab;
    for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === tab);
    for (const name of ['interventions', 'metrics', 'killswitch', 'events']) $('view-' + name).hidden = name !== tab;
    if (tab === 'metrics') { renderMetrics(); drawCharts(); }
    if (tab === 'killswitch') { loadHalted(); syncKillSwitch(); }
    if (tab === 'events') renderEvents();
  }

  function init() {
    $('token-input').addEventListener('input', () => { $('signin-button').disabled = !$('token-input').value.trim(); });
    $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token-input').value); });
    $('token-input').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); signIn($('token-input').value); }
    });
    $('signout').addEventListener('click', () => signOut(null));
    for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => showTab(b.dataset.tab));
    $('ks-instance').addEventListener('input', () => { state.preview = null; $('ks-preview-result').hidden = true; syncKillSwitch(); });
    $('ks-reason').addEventListener('input', syncKillSwitch);
    $('ks-preview').addEventListener('click', previewKillSwitch);
    $('ks-halt').addEventListener('click', haltInstance);
    $('halted-refresh').addEventListener('click', loadHalted);
    setInterval(tickAges, 5000);

    let saved = null;
    try { saved = sessionStorage.getItem(TOKEN_KEY); } catch (e) { saved = null; }
    if (saved) {
      state.token = saved;
      // show the console straight away; the header says whether it is live yet
      $('view-signin').hidden = true;
      $('tabs').hidden = false;
      $('who').hidden = false;
      $('pilot-id').textContent = '…';
      showTab('interventions');
      socket.start();
    }
  }

  document.addEventListener('DOMContentLoaded', init);
})();
