// Paybridge console: copy buttons and confirmations. No framework, no inline script (CSP).
document.addEventListener('click', function (e) {
  var button = e.target.closest('[data-copy]');
  if (!button) return;
  var field = document.getElementById(button.getAttribute('data-copy'));
  if (!field) return;
  var done = function () {
    var label = button.textContent;
    button.textContent = 'Copied';
    button.classList.add('copied');
    setTimeout(function () { button.textContent = label; button.classList.remove('copied'); }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
  } else {
    field.select();
    try { document.execCommand('copy'); done(); } catch (err) { /* the text stays selected */ }
  }
});
document.addEventListener('submit', function (e) {
  var message = e.target.getAttribute('data-confirm');
  if (message && !window.confirm(message)) e.preventDefault();
});

// Times: the tenant's local time on hover, beside the UTC time shown.
function localTimes(root) {
  root.querySelectorAll('time[datetime]').forEach(function (t) {
    var d = new Date(t.getAttribute('datetime'));
    if (!isNaN(d)) t.title = d.toLocaleString() + ' (your time) · ' + t.getAttribute('datetime');
  });
}
localTimes(document);

// A gateway's setup status follows what arrives while its page is open: every few seconds the
// page asks again, and replaces the status only when it changed.
(function () {
  var box = document.getElementById('setup-status');
  if (!box || !window.fetch) return;
  var url = box.getAttribute('data-status-url');
  function version() {
    var s = box.querySelector('.setup-status');
    return s ? s.getAttribute('data-version') : '';
  }
  function poll() {
    if (document.hidden) return;
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) {
        if (status && status.version !== version()) {
          box.innerHTML = status.html;
          localTimes(box);
        }
      })
      .catch(function () { /* the next round tries again */ });
  }
  setInterval(poll, 3000);
})();

// The navigation's menu on narrow screens.
document.addEventListener('click', function (e) {
  var toggle = e.target.closest('[data-menu-toggle]');
  if (!toggle) return;
  var bar = toggle.closest('.topbar');
  var open = !bar.classList.contains('menu-open');
  bar.classList.toggle('menu-open', open);
  toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
});
