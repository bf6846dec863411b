// The colour theme: the system setting until the candidate picks one with the header's toggle; the
// choice is kept in this browser. A classic script in <head>, so the page never flashes the other theme.
(function () {
  var KEY = "viva.theme";
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem(KEY); } catch (e) { /* storage blocked: follow the system */ }
  var systemDark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
  function follow() { root.dataset.theme = systemDark && systemDark.matches ? "dark" : "light"; }
  if (stored === "dark" || stored === "light") root.dataset.theme = stored;
  else follow();
  if (systemDark && systemDark.addEventListener) {
    systemDark.addEventListener("change", function () { if (!stored) follow(); });
  }
  function isDark() { return root.dataset.theme === "dark"; }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    function show() { button.setAttribute("aria-pressed", String(isDark())); }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      root.dataset.theme = isDark() ? "light" : "dark";
      stored = root.dataset.theme;
      try { localStorage.setItem(KEY, stored); } catch (e) { /* not kept: still applied */ }
      show();
    });
    if (systemDark && systemDark.addEventListener) systemDark.addEventListener("change", show);
  });
})();
