/* 创业助手 web page. Draws the bot's messages from JSON trees with createElement/textContent
   only (never innerHTML), long-polls /api/updates for changes, and sends what the resident
   types or presses. Plain ES2017, no libraries, no build step. */
(function () {
  'use strict';

  var KINDS = { b: 'b', i: 'i', u: 'u', s: 's', code: 'code', pre: 'pre', quote: 'blockquote',
    spoiler: 'span', a: 'a' };
  var PHONE_RE = /^(?:\+?86)?1[3-9]\d{9}$/;
  var state = { csrf: '', seq: 0, texts: {}, nodes: {}, backoff: 1000, started: false,
    keyboard: null, polling: false };

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function t(name) { return state.texts[name] || ''; }

  function api(method, path, body) {
    var headers = { 'X-Requested-With': 'chuangye' };
    if (state.csrf) { headers['X-CSRF-Token'] = state.csrf; }
    var init = { method: method, credentials: 'same-origin', headers: headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        json._status = response.status;
        return json;
      });
    });
  }

  /* ------------------------------------------------------------------ drawing */
  function drawNodes(parent, nodes) {
    (nodes || []).forEach(function (node) {
      if (typeof node === 'string') { parent.appendChild(document.createTextNode(node)); return; }
      if (!node || typeof node !== 'object') { return; }
      var tag = KINDS[node.t];
      if (!tag) { drawNodes(parent, node.c); return; }
      var child;
      if (node.t === 'a') {
        if (typeof node.href === 'string' && /^https?:\/\//i.test(node.href)) {
          child = el('a');
          child.href = node.href;
          child.target = '_blank';
          child.rel = 'noopener noreferrer';
        } else {
          child = el('span');
        }
      } else {
        child = el(tag);
        if (node.t === 'spoiler') {
          child.className = 'spoiler';
          child.addEventListener('click', function () { child.classList.add('shown'); });
        }
      }
      drawNodes(child, node.c);
      parent.appendChild(child);
    });
  }

  function clock(seconds) {
    var d = new Date(seconds * 1000);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes());
  }

  function sizeText(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + ' MB'; }
    return Math.max(1, Math.round(bytes / 1024)) + ' KB';
  }

  function drawMessage(m) {
    var box = el('div', 'msg ' + (m.bot ? 'bot' : 'me'));
    box.dataset.id = m.id;
    var bubble = el('div', 'bubble');
    if (m.photo) {
      bubble.classList.add('photo');
      var link = el('a');
      link.href = '/api/files/' + encodeURIComponent(m.photo.file);
      link.target = '_blank';
      link.rel = 'noopener';
      var img = el('img');
      img.src = link.href;
      img.alt = '';
      img.loading = 'lazy';
      link.appendChild(img);
      bubble.appendChild(link);
    }
    if (m.document) {
      var doc = el('a', 'doc');
      doc.href = '/api/files/' + encodeURIComponent(m.document.file);
      doc.setAttribute('download', m.document.name);
      doc.appendChild(el('span', '', '📎'));
      doc.appendChild(el('span', 'name', m.document.name));
      doc.appendChild(el('span', 'size', sizeText(m.document.size)));
      bubble.appendChild(doc);
    }
    if (m.contact) {
      bubble.appendChild(el('span', 'contact', '📱 ' + m.contact));
    }
    if (m.body && m.body.length) {
      var text = (m.photo || m.document) ? el('div', 'caption') : bubble;
      drawNodes(text, m.body);
      if (text !== bubble) { bubble.appendChild(text); }
    }
    box.appendChild(bubble);
    var meta = clock(m.date || 0) + (m.edited ? ' · ' + t('edited') : '');
    box.appendChild(el('div', 'meta', meta));
    if (m.buttons && m.buttons.length) {
      var rows = el('div', 'buttons');
      m.buttons.forEach(function (row) {
        var line = el('div', 'brow');
        row.forEach(function (b) { line.appendChild(inlineButton(m.id, b)); });
        rows.appendChild(line);
      });
      box.appendChild(rows);
    }
    return box;
  }

  function inlineButton(messageId, b) {
    if (b.url) {
      var a = el('a', 'ibtn', b.text + ' ↗');
      a.href = b.url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return a;
    }
    var button = el('button', 'ibtn', b.text);
    button.type = 'button';
    if (typeof b.data !== 'string') { button.disabled = true; return button; }
    button.addEventListener('click', function () { press(messageId, b.data, button); });
    return button;
  }

  function nearBottom(log) { return log.scrollHeight - log.scrollTop - log.clientHeight < 120; }

  function apply(result) {
    var log = $('log');
    var stick = nearBottom(log) || !state.started;
    (result.messages || []).forEach(function (m) {
      var old = state.nodes[m.id];
      if (m.deleted) {
        if (old) { old.remove(); delete state.nodes[m.id]; }
        return;
      }
      var node = drawMessage(m);
      if (old) { log.replaceChild(node, old); } else { log.appendChild(node); }
      state.nodes[m.id] = node;
    });
    if (typeof result.seq === 'number' && result.seq > state.seq) { state.seq = result.seq; }
    log.setAttribute('data-seq', String(state.seq));
    drawKeyboard(result.keyboard || null);
    drawStart();
    if (stick) { log.scrollTop = log.scrollHeight; }
    state.started = true;
  }

  /* A link like https://host/?start=ref_AB12 opens the chat as t.me/bot?start=... would. */
  function startPayload() {
    var match = /[?&]start=([A-Za-z0-9_-]{1,64})(?:&|$)/.exec(window.location.search);
    return match ? ' ' + match[1] : '';
  }

  function drawStart() {
    var log = $('log');
    var existing = $('start-wrap');
    var empty = Object.keys(state.nodes).length === 0;
    if (!empty) { if (existing) { existing.remove(); } return; }
    if (existing) { return; }
    var wrap = el('div', 'start-wrap');
    wrap.id = 'start-wrap';
    var button = el('button', 'send start', t('start'));
    button.type = 'button';
    button.addEventListener('click', function () { send('/start' + startPayload()); });
    wrap.appendChild(button);
    log.appendChild(wrap);
  }

  function drawKeyboard(keyboard) {
    var box = $('keyboard');
    var key = JSON.stringify(keyboard);
    if (key === state.keyboard) { return; }
    state.keyboard = key;
    while (box.firstChild) { box.removeChild(box.firstChild); }
    $('input').placeholder = (keyboard && keyboard.placeholder) || t('placeholder');
    $('kb-toggle').hidden = !keyboard;
    if (!keyboard) { box.hidden = true; return; }
    keyboard.rows.forEach(function (row) {
      var line = el('div', 'krow');
      row.forEach(function (b) {
        var button = el('button', 'kbtn', b.text);
        button.type = 'button';
        button.addEventListener('click', function () {
          if (b.contact) { openPhone(); } else { send(b.text); }
        });
        line.appendChild(button);
      });
      box.appendChild(line);
    });
    showKeyboard(true);
  }

  function showKeyboard(on) {
    $('keyboard').hidden = !on;
    $('kb-toggle').setAttribute('aria-expanded', on ? 'true' : 'false');
  }

  /* ------------------------------------------------------------------ notices */
  var toastTimer = null;
  function toast(text) {
    var box = $('toast');
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.hidden = true; }, 3000);
  }
  function alertBox(text) {
    $('alert-text').textContent = text;
    $('alert').hidden = false;
    $('alert-ok').focus();
  }
  function failed(result) {
    var code = result && result.error;
    if (code === 'no_session') { start(); return; }
    toast(t(code === 'too_fast' || code === 'too_long' || code === 'phone_invalid' ? code : 'failed'));
  }
  function offline(on) {
    var box = $('status');
    box.textContent = t('offline');
    box.hidden = !on;
  }

  /* ------------------------------------------------------------------ actions */
  function send(text) {
    return api('POST', '/api/send', { text: text }).then(function (r) {
      if (r._status !== 200) { failed(r); return false; }
      return true;
    }, function () { failed(null); return false; });
  }

  function press(messageId, data, button) {
    button.disabled = true;
    api('POST', '/api/press', { message_id: messageId, data: data }).then(function (r) {
      button.disabled = false;
      if (r._status !== 200) { if (r.error !== 'gone') { failed(r); } return; }
      if (r.toast) { if (r.alert) { alertBox(r.toast); } else { toast(r.toast); } }
    }, function () { button.disabled = false; failed(null); });
  }

  function openPhone() {
    $('phone-error').hidden = true;
    $('phone-input').value = '';
    $('phone').hidden = false;
    $('phone-input').focus();
  }

  function submitPhone(event) {
    event.preventDefault();
    var raw = $('phone-input').value.replace(/[\s\-()（）]/g, '');
    if (!PHONE_RE.test(raw)) {
      $('phone-error').textContent = t('phone_invalid');
      $('phone-error').hidden = false;
      return;
    }
    api('POST', '/api/contact', { phone: raw }).then(function (r) {
      if (r._status === 200) { $('phone').hidden = true; return; }
      if (r.error === 'phone_invalid') {
        $('phone-error').textContent = t('phone_invalid');
        $('phone-error').hidden = false;
      } else { failed(r); }
    }, function () { failed(null); });
  }

  function submitText(event) {
    event.preventDefault();
    var input = $('input');
    var text = input.value;
    if (!text.trim()) { return; }
    $('send').disabled = true;
    send(text).then(function (ok) {
      $('send').disabled = false;
      if (ok) { input.value = ''; grow(); }
    });
  }

  function grow() {
    var input = $('input');
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 140) + 'px';
  }

  /* ------------------------------------------------------------------ loop */
  function poll() {
    if (state.polling) { return; }
    state.polling = true;
    api('GET', '/api/updates?after=' + state.seq).then(function (r) {
      state.polling = false;
      if (r._status === 200) {
        offline(false);
        state.backoff = 1000;
        apply(r);
        poll();
      } else if (r._status === 401) {
        start();
      } else { retry(); }
    }, function () { state.polling = false; retry(); });
  }

  function retry() {
    offline(true);
    // Exponential back-off with jitter: a server restart is not met by a stampede.
    var delay = state.backoff * (0.5 + Math.random());
    state.backoff = Math.min(state.backoff * 2, 30000);
    setTimeout(poll, delay);
  }

  // The page's fixed labels: element id -> text key.
  var LABELS = {
    'title': 'title', 'send': 'send', 'menu-btn': 'menu', 'menu-title': 'menu_title',
    'menu-close': 'close', 'notice-title': 'notice_title', 'notice-text': 'notice',
    'notice-close': 'ok', 'phone-title': 'phone_title', 'phone-hint': 'phone_hint',
    'phone-cancel': 'cancel', 'phone-send': 'phone_send', 'alert-ok': 'ok'
  };

  function fillTexts() {
    document.title = t('title');
    Object.keys(LABELS).forEach(function (id) { $(id).textContent = t(LABELS[id]); });
    $('subtitle').textContent = t('resident') ? t('subtitle') + ' · ' + t('resident') : t('subtitle');
    $('input').placeholder = t('placeholder');
  }

  function fillMenu(commands) {
    var list = $('menu-list');
    while (list.firstChild) { list.removeChild(list.firstChild); }
    (commands || []).forEach(function (c) {
      var item = el('li');
      var button = el('button');
      button.type = 'button';
      button.appendChild(el('span', 'cmd', '/' + c.command));
      button.appendChild(el('span', '', c.description));
      button.addEventListener('click', function () { $('menu').hidden = true; send('/' + c.command); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function seenNotice() {
    try { return window.localStorage.getItem('cy_notice') === state.number; } catch (e) { return false; }
  }

  function start() {
    api('POST', '/api/session').then(function (r) {
      if (r._status !== 200) { retry(); return; }
      state.csrf = r.csrf;
      state.texts = r.texts || {};
      state.number = r.number;
      document.documentElement.lang = r.lang === 'en' ? 'en' : 'zh-CN';
      fillTexts();
      fillMenu(r.commands);
      if (r.expired) {
        // The old session ended after the idle period: say so (until closed), then the usual notice.
        $('notice-title').textContent = t('expired_title');
        $('notice-text').textContent = t('expired');
        $('notice').hidden = false;
      } else if (!seenNotice()) { $('notice').hidden = false; }
      return api('GET', '/api/updates?wait=0&after=0').then(function (u) {
        if (u._status !== 200) { retry(); return; }
        Object.keys(state.nodes).forEach(function (id) { state.nodes[id].remove(); });
        state.nodes = {};
        state.seq = 0;
        state.keyboard = null;
        apply(u);
        poll();
      });
    }, retry);
  }

  function wire() {
    $('composer').addEventListener('submit', submitText);
    $('input').addEventListener('input', grow);
    $('input').addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { submitText(event); }
    });
    $('menu-btn').addEventListener('click', function () { $('menu').hidden = false; });
    $('kb-toggle').addEventListener('click', function () { showKeyboard($('keyboard').hidden); });
    $('menu-close').addEventListener('click', function () { $('menu').hidden = true; });
    $('info-btn').addEventListener('click', function () { $('notice').hidden = !$('notice').hidden; });
    $('notice-close').addEventListener('click', function () {
      $('notice').hidden = true;
      $('notice-title').textContent = t('notice_title');
      $('notice-text').textContent = t('notice');
      try { window.localStorage.setItem('cy_notice', state.number); } catch (e) { /* private mode */ }
    });
    $('phone-form').addEventListener('submit', submitPhone);
    $('phone-cancel').addEventListener('click', function () { $('phone').hidden = true; });
    $('alert-ok').addEventListener('click', function () { $('alert').hidden = true; });
    ['menu', 'phone', 'alert'].forEach(function (id) {
      $(id).addEventListener('click', function (event) { if (event.target === $(id)) { $(id).hidden = true; } });
    });
  }

  document.addEventListener('DOMContentLoaded', function () { wire(); start(); });
})();
