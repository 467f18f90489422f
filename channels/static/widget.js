/*
 * FamilyVoice web chat widget. Plain JavaScript, no framework, no build step.
 *
 * Embed:  <script src="https://HOST/webhooks/webchat/widget.js" data-title="..." defer></script>
 * Options (all optional): data-title, data-colour (#rgb or #rrggbb), data-exit-url,
 * data-tracks-url, data-target (CSS selector to render into; default: where the tag is),
 * data-endpoint, data-stylesheet="none" (when the page links widget.css itself),
 * data-mode="exit-only" (just the quick-exit button and Shift x3, for other pages).
 *
 * Safe under a strict Content-Security-Policy: no inline style or script, no eval, no
 * innerHTML; the council colour is set through CSSOM custom properties, which CSP allows.
 * Nothing is written to localStorage or cookies. A random conversation id is kept in
 * sessionStorage (this tab only) so a reload resumes; the transcript is not stored in the
 * browser at all: after a reload the server repeats the last question. Exit wipes the id.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || !window.fetch) { return; }

  var STORE_KEY = 'familyvoice.conversation';
  var DEFAULT_EXIT = 'https://www.bbc.co.uk/weather';
  var DEFAULT_COLOUR = '#1d70b8';
  var TIMEOUT_MS = 45000;
  var SHIFT_WINDOW_MS = 5000;
  var URGENT = 'If a child is in danger right now, call 999.';
  var OFFLINE = 'We cannot reach FamilyVoice at the moment. Your message has not been sent, ' +
    'and what you typed is still in the box: check your connection and choose "Try again".';
  var RESUME_OFFLINE = 'We cannot reach FamilyVoice at the moment to show where you were. ' +
    'What you told us so far is kept: check your connection and choose "Try again".';

  var data = script.dataset;
  var base = new URL('.', script.src);
  var exitUrl = httpUrl(data.exitUrl) || DEFAULT_EXIT;
  var config = {
    mode: data.mode === 'exit-only' ? 'exit-only' : 'chat',
    title: data.title || 'Talk to us about a child',
    colour: parseHex(data.colour) ? data.colour : DEFAULT_COLOUR,
    endpoint: httpUrl(data.endpoint) || new URL('webhook', base).href,
    resume: new URL('resume', new URL(httpUrl(data.endpoint) || new URL('webhook', base).href)).href,
    tracksUrl: httpUrl(data.tracksUrl) ||
      new URL('cover-your-tracks?exit=' + encodeURIComponent(exitUrl), base).href
  };
  var uid = Math.random().toString(36).slice(2, 8);
  var exiting = false;
  var inflight = null;

  function httpUrl(value) {
    if (!value) { return null; }
    try {
      var url = new URL(value, document.baseURI);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) { return null; }
  }

  // --- colour: the council's colour as a background, with whichever text colour reads best ---
  function parseHex(value) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value || '');
    if (!m) { return null; }
    var hex = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
  }
  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function contrast(a, b) { return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }
  function applyColour(root) {
    var l = luminance(parseHex(config.colour));
    // Pure black, not the near-black used elsewhere: for mid greys only black reaches 4.5:1.
    var text = contrast(l, 1) >= contrast(l, 0) ? '#ffffff' : '#000000';
    root.style.setProperty('--fv-brand', config.colour);
    root.style.setProperty('--fv-on-brand', text);
    // Borders must stand out from a white page too (3:1 for controls); pale colours get a dark edge.
    root.style.setProperty('--fv-edge', contrast(l, 1) >= 3 ? config.colour : '#0b0c0c');
  }

  // --- storage: sessionStorage only, and only once she has started ---
  function session() { try { return window.sessionStorage; } catch (e) { return null; } }
  function storedId() { var s = session(); return s ? s.getItem(STORE_KEY) : null; }
  function conversationId() {
    var id = storedId();
    if (id) { return id; }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    id = 'fv-' + Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? '0' : '') + b.toString(16);
    }).join('');
    var s = session();
    if (s) { s.setItem(STORE_KEY, id); }
    return id;
  }

  // --- quick exit (GOV.UK "Exit this page"): blank at once, then replace the location ---
  function exitPage() {
    if (exiting) { return; }
    exiting = true;
    var s = session();
    if (s) { s.removeItem(STORE_KEY); }
    if (inflight) { inflight.abort(); }
    document.title = 'Loading';
    if (document.body) { document.body.replaceChildren(); }
    // replace(), not assign(): the chat page leaves the history, so Back cannot return to it.
    window.location.replace(exitUrl);
  }

  function watchShift(announce) {
    var count = 0;
    var timer = null;
    var lastWasModified = false;
    function reset() { count = 0; clearTimeout(timer); timer = null; announce(''); }
    // keyup, as GOV.UK does: a Shift held for a capital letter is not counted.
    document.addEventListener('keyup', function (event) {
      if (event.key === 'Shift' && !lastWasModified) {
        count += 1;
        clearTimeout(timer);
        if (count >= 3) { reset(); exitPage(); return; }
        announce('Shift, press ' + (3 - count) + ' more ' + (count === 2 ? 'time' : 'times') + ' to exit.');
        timer = setTimeout(reset, SHIFT_WINDOW_MS);
      } else if (timer) {
        reset();
      }
      lastWasModified = event.shiftKey;
    }, true);
  }

  // --- building the DOM (createElement + textContent only) ---
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function exitBar() {
    var bar = el('div', 'fv-bar');
    var button = el('button', 'fv-exit', 'Exit this page');
    button.type = 'button';
    button.addEventListener('click', exitPage);
    var counter = el('p', 'fv-shift-count');
    counter.setAttribute('aria-live', 'polite');
    bar.appendChild(button);
    bar.appendChild(counter);
    watchShift(function (text) { counter.textContent = text; });
    return bar;
  }

  function buildChat(root) {
    var ids = { title: 'fv-title-' + uid, input: 'fv-input-' + uid, hint: 'fv-hint-' + uid };
    root.setAttribute('aria-labelledby', ids.title);
    var header = el('div', 'fv-header');
    var title = el('h2', 'fv-title', config.title);
    title.id = ids.title;
    header.appendChild(title);
    header.appendChild(exitBar());

    var safety = el('div', 'fv-safety');
    safety.appendChild(el('p', 'fv-urgent', URGENT));
    var leave = el('p', 'fv-leave', 'To leave quickly, choose "Exit this page" or press Shift 3 times. ');
    var tracks = el('a', 'fv-tracks', 'How to cover your tracks');
    tracks.href = config.tracksUrl;
    leave.appendChild(tracks);
    safety.appendChild(leave);

    var intro = el('p', 'fv-intro', 'Tell us what is worrying you about a child. We will ask some ' +
      'questions, one at a time. You can answer "don\'t know" to any of them, and you do not have to give your name.');
    var log = el('div', 'fv-log');
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    log.setAttribute('aria-label', 'Conversation');
    log.tabIndex = 0;  // so a keyboard can scroll it
    var typing = el('p', 'fv-typing');
    typing.setAttribute('role', 'status');
    var error = el('div', 'fv-error');
    error.hidden = true;
    var errorText = el('p', 'fv-error-text');
    errorText.setAttribute('role', 'alert');
    var retry = el('button', 'fv-retry', 'Try again');
    retry.type = 'button';
    error.appendChild(errorText);
    error.appendChild(retry);
    var choices = el('div', 'fv-choices');
    choices.setAttribute('role', 'group');
    choices.setAttribute('aria-label', 'Choose an answer, or type your own');
    choices.hidden = true;

    var form = el('form', 'fv-form');
    form.noValidate = true;
    var label = el('label', 'fv-label', 'Your message');
    label.htmlFor = ids.input;
    var hint = el('p', 'fv-hint', 'Press Enter to send. Shift and Enter starts a new line.');
    hint.id = ids.hint;
    var input = el('textarea', 'fv-input');
    input.id = ids.input;
    input.rows = 3;
    input.setAttribute('aria-describedby', ids.hint);
    input.setAttribute('autocomplete', 'off');
    var send = el('button', 'fv-send', 'Send');
    send.type = 'submit';
    var row = el('div', 'fv-row');
    row.appendChild(input);
    row.appendChild(send);
    [label, hint, row].forEach(function (n) { form.appendChild(n); });
    [header, safety, intro, log, typing, error, choices, form].forEach(function (n) { root.appendChild(n); });
    return { log: log, typing: typing, error: error, errorText: errorText, retry: retry,
      choices: choices, form: form, input: input, send: send };
  }

  // --- the conversation ---
  function startChat(root) {
    var ui = buildChat(root);
    var busy = false;
    var lastAttempt = null;

    function bubble(who, text, extraClass) {
      var node = el('div', 'fv-msg fv-msg-' + who + (extraClass ? ' ' + extraClass : ''));
      var prefix = { bot: 'FamilyVoice said: ', user: 'You said: ', note: '' }[who];
      if (prefix) { node.appendChild(el('span', 'fv-visually-hidden', prefix)); }
      node.appendChild(el('span', 'fv-msg-text', text));
      ui.log.appendChild(node);
      ui.log.scrollTop = ui.log.scrollHeight;
      return node;
    }

    function showChoices(buttons) {
      ui.choices.replaceChildren();
      ui.choices.hidden = !buttons.length;
      buttons.forEach(function (b) {
        var choice = el('button', 'fv-choice', String(b.title || b.payload));
        choice.type = 'button';
        choice.addEventListener('click', function () {
          submit(String(b.payload || b.title), String(b.title || b.payload), false);
        });
        ui.choices.appendChild(choice);
      });
    }

    function showReplies(replies) {
      var buttons = [];
      replies.forEach(function (r) {
        if (r && typeof r.text === 'string' && r.text) { bubble('bot', r.text); }
        if (r && Array.isArray(r.buttons) && r.buttons.length) { buttons = r.buttons; }
      });
      showChoices(buttons);
    }

    function setBusy(on) {
      busy = on;
      ui.input.readOnly = on;
      ui.send.setAttribute('aria-disabled', on ? 'true' : 'false');
      ui.root.setAttribute('aria-busy', on ? 'true' : 'false');
      ui.typing.replaceChildren();
      if (on) {
        ui.typing.appendChild(el('span', 'fv-typing-text', 'FamilyVoice is typing'));
        ui.typing.appendChild(el('span', 'fv-dots'));
      }
    }

    function showError(text) {
      ui.error.hidden = false;
      ui.errorText.textContent = text + ' ' + URGENT;
    }
    function clearError() { ui.error.hidden = true; ui.errorText.textContent = ''; }

    function post(url, payload) {
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
      inflight = controller;
      return fetch(url, {
        method: 'POST', mode: 'cors', credentials: 'omit', cache: 'no-store',
        referrerPolicy: 'no-referrer', signal: controller.signal,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload)
      }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (body) {
          return { status: res.status, body: body };
        });
      }).finally(function () { clearTimeout(timer); inflight = null; });
    }

    // text: what the server gets; shown: what she sees (a choice's title); fromBox: typed.
    function submit(text, shown, fromBox) {
      if (busy || exiting || !text.trim()) { return; }
      lastAttempt = { text: text, shown: shown, fromBox: fromBox };
      clearError();
      var mine = bubble('user', shown, 'fv-pending');
      setBusy(true);
      post(config.endpoint, { sender: conversationId(), message: text }).then(function (res) {
        if (res.status === 200 && Array.isArray(res.body)) {
          mine.classList.remove('fv-pending');
          if (fromBox) { ui.input.value = ''; }
          lastAttempt = null;
          showReplies(res.body);
        } else {
          mine.remove();
          showError(res.body && res.body.error ? res.body.error : OFFLINE);
        }
      }, function () {
        if (exiting) { return; }
        mine.remove();
        showError(OFFLINE);
      }).finally(function () {
        setBusy(false);
        if (!exiting && (root.contains(document.activeElement) || document.activeElement === document.body)) {
          ui.input.focus();
        }
      });
    }

    ui.root = root;
    root.setAttribute('aria-busy', 'false');
    ui.form.addEventListener('submit', function (event) {
      event.preventDefault();
      submit(ui.input.value, ui.input.value.trim(), true);
    });
    ui.input.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit(ui.input.value, ui.input.value.trim(), true);
      }
    });
    ui.retry.addEventListener('click', function () {
      if (!lastAttempt) { clearError(); return; }
      if (lastAttempt.resume) { resume(lastAttempt.resume); return; }
      // She may have changed what she typed since: send the box as it is now.
      if (lastAttempt.fromBox) { submit(ui.input.value, ui.input.value.trim(), true); }
      else { submit(lastAttempt.text, lastAttempt.shown, false); }
    });

    // After a reload: ask the server for the question she was last asked (same body shape as
    // a message; the text is ignored), so the transcript never has to be kept in the browser.
    function resume(id) {
      lastAttempt = { resume: id };
      clearError();
      setBusy(true);
      post(config.resume, { sender: id, message: 'resume' }).then(function (res) {
        lastAttempt = null;
        if (res.status === 200 && Array.isArray(res.body) && res.body.length) {
          bubble('note', 'Welcome back. What you told us so far is kept. This is where you were:');
          showReplies(res.body);
        }
      }, function () {
        if (!exiting) { showError(RESUME_OFFLINE); }
      }).finally(function () { setBusy(false); });
    }

    var id = storedId();
    if (id) { resume(id); }
  }

  // --- start: find where to render, load the stylesheet, then show ---
  function mount() {
    var root = el('section', 'fv-widget');
    root.lang = 'en';
    applyColour(root);
    var target = data.target ? document.querySelector(data.target) : null;
    if (target) { target.appendChild(root); }
    else if (script.parentNode && document.body && document.body.contains(script)) {
      script.parentNode.insertBefore(root, script.nextSibling);
    } else { document.body.appendChild(root); }

    if (data.stylesheet !== 'none' && !document.querySelector('link[data-familyvoice]')) {
      root.hidden = true;  // no flash of unstyled chat; shown when the styles arrive (or fail)
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = new URL('widget.css', base).href;
      link.setAttribute('data-familyvoice', '');
      link.addEventListener('load', function () { root.hidden = false; });
      link.addEventListener('error', function () { root.hidden = false; });
      document.head.appendChild(link);
    }

    if (config.mode === 'exit-only') {
      root.classList.add('fv-exit-only');
      root.setAttribute('aria-label', 'Leave this page quickly');
      root.appendChild(exitBar());
    } else {
      startChat(root);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mount);
  } else {
    mount();
  }
}());
