// Run tabs: show one run at a time. Everything else is static HTML and SVG.
(function () {
  var tabs = document.querySelectorAll('.tab');
  tabs.forEach(function (tab) {
    tab.addEventListener('click', function () {
      tabs.forEach(function (t) { t.classList.toggle('active', t === tab); });
      document.querySelectorAll('.run').forEach(function (run) {
        run.classList.toggle('active', run.id === tab.getAttribute('data-run'));
      });
    });
  });
  document.body.setAttribute('data-ready', 'true');
})();
