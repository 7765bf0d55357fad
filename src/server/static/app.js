/* global document, localStorage, fetch, crypto, navigator, TextDecoder */
// The web chat. No framework. Every piece of server data is put into the page with
// textContent / createElement (never parsed as markup), so policy text cannot inject markup.
(function () {
  'use strict';

  var form = document.getElementById('ask-form');
  var input = document.getElementById('question');
  var send = document.getElementById('send');
  var chat = document.getElementById('chat');
  // Set by the page when a language model writes the answers: its draft is streamed.
  var STREAM = chat.getAttribute('data-stream') === '1';
  var examples = document.getElementById('examples');

  // A random id this browser keeps, so the conversation (region, feedback) is per visitor.
  function sessionId() {
    var key = 'policybot.session';
    var id = null;
    try {
      id = localStorage.getItem(key);
    } catch {
      id = null;
    }
    if (id && /^[A-Za-z0-9_-]{16,64}$/.test(id)) return id;
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    id = Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
    try {
      localStorage.setItem(key, id);
    } catch {
      // Private mode: the id lives for this page only.
    }
    return id;
  }
  var SESSION = sessionId();

  // The conversation, kept in this browser so a reload or Back (after opening a document) restores it.
  var HISTORY_KEY = 'policybot.history.v1';
  var HISTORY_MAX = 60;
  function loadHistory() {
    try {
      var h = JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
      return Array.isArray(h) ? h : [];
    } catch {
      return [];
    }
  }
  var history = loadHistory();
  function remember(entry) {
    history.push(entry);
    if (history.length > HISTORY_MAX) history = history.slice(-HISTORY_MAX);
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(history));
    } catch {
      // Full or private storage: the conversation lives for this page only.
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function scrollDown(node) {
    node.scrollIntoView({ block: 'end', behavior: 'smooth' });
  }

  function postJson(url, body) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res
        .json()
        .catch(function () { return null; })
        .then(function (data) {
          if (!res.ok) {
            var msg = data && data.error && data.error.message ? data.error.message : '服务暂时不可用，请稍后再试。';
            throw new Error(msg);
          }
          return data;
        });
    });
  }

  // POST as server-sent events (a language model is on): the model's draft arrives as `token`
  // events and is shown greyed out; the `reply` event carries the verified reply.
  function postStream(url, body, onToken) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      if (!res.ok || !res.body) {
        return res.json().catch(function () { return null; }).then(function (data) {
          throw new Error(data && data.error && data.error.message ? data.error.message : '服务暂时不可用，请稍后再试。');
        });
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      var result = null;
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.value) buffer += decoder.decode(chunk.value, { stream: true });
          var events = buffer.split('\n\n');
          buffer = events.pop();
          events.forEach(function (raw) {
            var name = (/^event: (.*)$/m.exec(raw) || [])[1];
            var data = (/^data: (.*)$/m.exec(raw) || [])[1];
            if (!data) return;
            var parsed = JSON.parse(data);
            if (name === 'token') onToken(parsed.t);
            else if (name === 'reply') result = parsed;
          });
          if (chunk.done) return result;
          return pump();
        });
      }
      return pump();
    });
  }

  // Answer text with [n] markers → text nodes and links to the cited paragraph.
  function renderText(text, citations) {
    var box = el('div', 'text');
    var byN = {};
    citations.forEach(function (c) { byN[c.n] = c; });
    var re = /\[(\d+)\]/g;
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) appendLinked(box, text.slice(last, m.index));
      var c = byN[Number(m[1])];
      if (c) {
        var a = el('a', 'cite', '[' + c.n + ']');
        a.href = c.url;
        a.title = c.title;
        a.setAttribute('aria-expanded', 'false');
        a.addEventListener('click', togglePreview.bind(null, box, a, c));
        box.appendChild(a);
      } else {
        box.appendChild(document.createTextNode(m[0]));
      }
      last = re.lastIndex;
    }
    if (last < text.length) appendLinked(box, text.slice(last));
    return box;
  }

  // [n] opens the cited paragraph under the answer (its heading path, its text, a link to the whole
  // document in a new tab), so reading the source does not leave the chat; tapping again closes it.
  function togglePreview(textBox, link, c, e) {
    e.preventDefault();
    var open = textBox.parentNode && textBox.parentNode.querySelector('.preview[data-n="' + c.n + '"]');
    if (open) {
      open.parentNode.removeChild(open);
      link.setAttribute('aria-expanded', 'false');
      return;
    }
    var box = el('div', 'preview');
    box.setAttribute('data-n', String(c.n));
    box.appendChild(el('div', 'preview-head', '[' + c.n + '] 《' + c.title + '》' + (c.label ? ' · ' + c.label : '')));
    var path = (c.headingPath || []).join(' › ');
    if (path) box.appendChild(el('div', 'preview-path', path));
    box.appendChild(el('blockquote', 'preview-text', c.text || ''));
    var full = el('a', 'preview-full', '查看全文');
    full.href = c.url;
    full.target = '_blank';
    full.rel = 'noopener';
    box.appendChild(full);
    textBox.parentNode.insertBefore(box, textBox.nextSibling);
    link.setAttribute('aria-expanded', 'true');
  }

  // The /check results as cards: group, then per measure its amount, the deciding condition and links.
  var STATUS_WORD = { met: '符合', not_met: '不符合', unknown: '待确认' };
  function renderCards(cards) {
    var box = el('div', 'text check-results');
    if (cards.facts) box.appendChild(el('p', 'check-facts', cards.facts));
    (cards.groups || []).forEach(function (g) {
      var section = el('section', 'check-group check-' + g.status);
      section.appendChild(el('h3', null, g.title + '（' + g.count + '项）'));
      (g.items || []).forEach(function (it) {
        var card = el('div', 'check-card');
        card.appendChild(el('div', 'check-name', it.name + (it.region ? '（' + it.region + '）' : '')));
        if (it.amount) card.appendChild(el('div', 'check-amount', it.amount));
        if (it.condition) card.appendChild(el('div', 'check-cond', '条件：' + it.condition.text + ' — ' + (STATUS_WORD[it.condition.status] || '')));
        if (it.materials) card.appendChild(el('div', 'check-part', '材料：' + it.materials));
        if (it.process) card.appendChild(el('div', 'check-part', '办理：' + it.process));
        if (/^https?:\/\//.test(it.url || '')) {
          var a = el('a', 'check-link', '查看原文');
          a.href = it.url;
          a.target = '_blank';
          a.rel = 'noopener';
          card.appendChild(a);
        }
        section.appendChild(card);
      });
      if (g.note) section.appendChild(el('div', 'check-note', g.note));
      box.appendChild(section);
    });
    if ((cards.services || []).length) {
      var sv = el('section', 'check-group check-services');
      sv.appendChild(el('h3', null, '还可以使用的免费服务'));
      cards.services.forEach(function (x) {
        var a = el('a', 'check-link', x.name);
        if (/^https?:\/\//.test(x.url || '')) a.href = x.url;
        sv.appendChild(el('div', 'check-card')).appendChild(a);
      });
      box.appendChild(sv);
    }
    return box;
  }

  // Plain text with its http(s) addresses as links (the /check results list one per item).
  function appendLinked(box, text) {
    var re = /https?:\/\/[^\s）)」』，。、；]+/g;
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) box.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = el('a', 'link', /\/docs\//.test(m[0]) ? '查看原文' : m[0]);
      a.href = m[0];
      a.target = '_blank';
      a.rel = 'noopener';
      a.title = m[0];
      box.appendChild(a);
      last = re.lastIndex;
    }
    if (last < text.length) box.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderSources(citations, label, className) {
    var list = el('ol', className || 'sources');
    list.setAttribute('aria-label', label || '来源');
    citations.forEach(function (c) {
      var li = el('li');
      li.appendChild(document.createTextNode('[' + c.n + '] '));
      var a = el('a', 'source-link', '《' + c.title + '》' + (c.label ? ' · ' + c.label : ''));
      a.href = c.url;
      // A document opens in its own tab: the chat stays where it is.
      a.target = '_blank';
      a.rel = 'noopener';
      li.appendChild(a);
      var meta = [c.issuer, c.date, c.docNumber].filter(Boolean).join(' · ');
      if (meta) li.appendChild(el('span', 'src-meta', ' ' + meta));
      list.appendChild(li);
    });
    return list;
  }

  function renderFeedback(answerId) {
    var box = el('div', 'feedback');
    box.appendChild(el('span', null, '这个回答有帮助吗？'));
    var up = el('button', 'vote-up', '👍');
    var down = el('button', 'vote-down', '👎');
    up.type = down.type = 'button';
    up.setAttribute('aria-label', '有帮助');
    down.setAttribute('aria-label', '没有帮助');
    var status = el('span', 'feedback-status');
    function vote(v) {
      up.disabled = down.disabled = true;
      postJson('api/feedback', { answerId: answerId, vote: v, sessionId: SESSION })
        .then(function () { status.textContent = '谢谢您的反馈！'; })
        .catch(function (err) {
          status.textContent = err.message;
          up.disabled = down.disabled = false;
        });
    }
    up.addEventListener('click', function () { vote('up'); });
    // 👎 asks why (optional): a few common reasons, or none.
    down.addEventListener('click', function () {
      up.disabled = down.disabled = true;
      var why = el('div', 'why');
      why.appendChild(el('span', null, '哪里不好？（可不选）'));
      ['没回答我的问题', '内容不对或过期', '太长看不懂', '不用说了'].forEach(function (label, i, all) {
        var b = el('button', 'why-reason', label);
        b.type = 'button';
        b.addEventListener('click', function () {
          Array.prototype.forEach.call(why.querySelectorAll('button'), function (x) { x.disabled = true; });
          var body = { answerId: answerId, vote: 'down', sessionId: SESSION };
          if (i < all.length - 1) body.comment = label;
          postJson('api/feedback', body)
            .then(function () {
              status.textContent = '谢谢您的反馈！';
              if (why.parentNode) why.parentNode.removeChild(why);
            })
            .catch(function (err) { status.textContent = err.message; });
        });
        why.appendChild(b);
      });
      box.appendChild(why);
    });
    box.appendChild(up);
    box.appendChild(down);
    // Copy the answer with its sources (to paste into a chat or a note).
    var copy = el('button', 'copy', '复制');
    copy.type = 'button';
    copy.setAttribute('aria-label', '复制回答和出处');
    copy.addEventListener('click', function () {
      var msg = box.parentNode;
      var text = msg ? msg.getAttribute('data-copy') || '' : '';
      var done = function () { status.textContent = '已复制'; };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () { status.textContent = '复制失败，请长按文字复制'; });
      else status.textContent = '复制失败，请长按文字复制';
    });
    box.appendChild(copy);
    box.appendChild(status);
    return box;
  }

  function renderReply(reply, restored) {
    var box = el('div', 'msg bot');
    box.setAttribute('data-kind', reply.kind);
    var citations = reply.citations || [];
    var answer = reply.answer || {};
    if (answer.understood) box.appendChild(el('div', 'understood', '🔎 按' + answer.understood + '查找'));
    box.appendChild(reply.cards ? renderCards(reply.cards) : renderText(reply.text || '', citations));
    if (citations.length) box.appendChild(renderSources(citations));
    var related = answer.related || [];
    if (related.length) {
      box.appendChild(el('div', 'related-heading', '相关规定（不是对您问题的直接回答）'));
      box.appendChild(renderSources(related, '相关规定', 'sources related'));
    }
    var warnings = reply.warnings || [];
    if (warnings.length) {
      var w = el('div', 'warnings');
      warnings.forEach(function (x) { w.appendChild(el('div', 'notice', '⚠ ' + x.message)); });
      box.appendChild(w);
    }
    if (citations.length) {
      box.setAttribute('data-copy', (reply.text || '') + '\n\n来源：\n' + citations.map(function (c) { return '[' + c.n + '] 《' + c.title + '》' + (c.label ? ' ' + c.label : '') + ' ' + c.url; }).join('\n'));
    }
    if (reply.answerId) box.appendChild(renderFeedback(reply.answerId));
    // What people ask next about the same topic, when the documents answer it.
    var suggestions = reply.suggestions || [];
    if (suggestions.length && !restored) {
      var next = el('div', 'suggestions');
      next.setAttribute('aria-label', '接着问');
      suggestions.forEach(function (q) {
        var chip = el('button', 'chip suggestion', q);
        chip.type = 'button';
        chip.addEventListener('click', function () { if (!send.disabled) ask(q); });
        next.appendChild(chip);
      });
      box.appendChild(next);
    }
    var choices = renderChoices(reply.buttons || []);
    if (choices) {
      // A restored question of the subsidy check has been answered or has expired.
      if (restored) Array.prototype.forEach.call(choices.querySelectorAll('button'), function (x) { x.disabled = true; });
      box.appendChild(choices);
    }
    return box;
  }

  // Callback buttons other than 👍/👎 (the subsidy check's options): a press goes to
  // api/chat/callback and the reply (the next question, or the results) is added below.
  function renderChoices(rows) {
    var buttons = [];
    rows.forEach(function (row) {
      row.forEach(function (b) {
        if (b.kind === 'callback' && typeof b.data === 'string' && b.data.indexOf('fb:') !== 0) buttons.push(b);
      });
    });
    if (!buttons.length) return null;
    var box = el('div', 'choices');
    buttons.forEach(function (b) {
      var btn = el('button', 'choice', b.label);
      btn.type = 'button';
      btn.setAttribute('data-callback', b.data);
      btn.addEventListener('click', function () {
        Array.prototype.forEach.call(box.querySelectorAll('button'), function (x) { x.disabled = true; });
        chat.appendChild(el('div', 'msg user', b.label));
        remember({ user: b.label });
        postJson('api/chat/callback', { sessionId: SESSION, data: b.data })
          .then(function (data) {
            if (data && data.reply) remember({ reply: data.reply });
            var node = data && data.reply ? renderReply(data.reply) : el('div', 'msg bot', '（没有回复）');
            chat.appendChild(node);
            scrollDown(node);
          })
          .catch(function (err) {
            chat.appendChild(el('div', 'msg error', err.message));
          });
      });
      box.appendChild(btn);
    });
    return box;
  }

  function ask(question) {
    question = question.trim();
    if (!question) return;
    chat.appendChild(el('div', 'msg user', question));
    remember({ user: question });
    var loading = el('div', 'msg loading', '正在查找政策原文');
    chat.appendChild(loading);
    scrollDown(loading);
    send.disabled = true;
    input.value = '';
    var draft = '';
    var request = STREAM
      ? postStream('api/chat/stream', { question: question, sessionId: SESSION }, function (t) {
          draft += t;
          loading.className = 'msg bot drafting';
          loading.textContent = draft;
        })
      : postJson('api/chat', { question: question, sessionId: SESSION });
    request
      .then(function (data) {
        if (data && data.reply) remember({ reply: data.reply });
        var node = data && data.reply ? renderReply(data.reply) : el('div', 'msg bot', '（没有回复）');
        chat.replaceChild(node, loading);
      })
      .catch(function (err) {
        var msg = err && err.message && !/fetch|network/i.test(err.message) ? err.message : '网络好像断开了，请检查网络后再试。';
        chat.replaceChild(el('div', 'msg error', msg), loading);
      })
      .then(function () {
        send.disabled = false;
        var last = chat.lastElementChild;
        if (last) scrollDown(last);
        input.focus();
      });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!send.disabled) ask(input.value);
  });
  input.addEventListener('keydown', function (e) {
    // Enter sends, Shift+Enter breaks the line; not while an IME is composing (拼音输入).
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (!send.disabled) ask(input.value);
    }
  });
  // The conversation so far, then the 清空对话 button.
  history.forEach(function (entry) {
    if (entry && typeof entry.user === 'string') chat.appendChild(el('div', 'msg user', entry.user));
    else if (entry && entry.reply && typeof entry.reply === 'object') chat.appendChild(renderReply(entry.reply, true));
  });
  var clear = document.getElementById('clear');
  if (clear) {
    clear.addEventListener('click', function () {
      history = [];
      try {
        localStorage.removeItem(HISTORY_KEY);
      } catch {
        // nothing stored
      }
      while (chat.firstChild) chat.removeChild(chat.firstChild);
      input.focus();
    });
  }
  if (chat.lastElementChild) chat.lastElementChild.scrollIntoView({ block: 'end' });

  examples.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.classList && t.classList.contains('chip') && !send.disabled) ask(t.textContent || '');
  });
})();
