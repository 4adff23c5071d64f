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
