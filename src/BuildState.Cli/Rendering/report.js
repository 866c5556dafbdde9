// Run tabs: show one run at a time. Everything else is static HTML and SVG.
(function () {
  var tabs = document.querySelectorAll('.tab');
  function show(id) {
    tabs.forEach(function (t) { t.classList.toggle('active', t.getAttribute('data-run') === id); });
    document.querySelectorAll('.run').forEach(function (run) { run.classList.toggle('active', run.id === id); });
  }
  tabs.forEach(function (tab) {
    tab.addEventListener('click', function () { show(tab.getAttribute('data-run')); });
  });
  // report.html#run-2 opens that run.
  if (/^#run-\d+$/.test(location.hash) && document.getElementById(location.hash.slice(1))) { show(location.hash.slice(1)); }
  document.body.setAttribute('data-ready', 'true');
})();
