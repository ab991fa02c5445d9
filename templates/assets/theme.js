/* sitepush default theme: the light/dark toggle, the docs sidebar folded on phones, the search box.
   Loaded (blocking, it is tiny) from <head> so that a stored choice is applied before the first paint:
   no flash of the other theme. Without JavaScript the site follows prefers-color-scheme and the
   toggle stays hidden. */
(function () {
  "use strict";
  var KEY = "sitepush-theme";
  var root = document.documentElement;
  var stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { /* storage blocked: follow the system */ }
  if (stored === "light" || stored === "dark") { root.setAttribute("data-theme", stored); }

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) { return chosen === "dark"; }
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The docs sidebar is open in the HTML (readable without JavaScript); a phone starts with it folded.
    var sidebar = document.querySelector("details.docs-nav");
    if (sidebar && window.matchMedia && window.matchMedia("(max-width: 50rem)").matches) {
      sidebar.open = false;
    }
    // Search (Pagefind's UI, only when the site built its index): "/" focuses the box, as on GitHub.
    var search = document.querySelector(".site-search");
    if (search && window.PagefindUI) {
      new window.PagefindUI({ element: search, bundlePath: search.getAttribute("data-bundle"),
                              showImages: false, resetStyles: false });
      document.addEventListener("keydown", function (event) {
        var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
        if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
          var input = search.querySelector("input");
          if (input) { event.preventDefault(); input.focus(); }
        }
      });
    }
    var button = document.querySelector(".theme-toggle");
    if (!button) { return; }
    function sync() { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
    button.hidden = false;
    sync();
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* the choice lasts for this page only */ }
      sync();
    });
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) { query.addEventListener("change", sync); }
    }
  });
})();
