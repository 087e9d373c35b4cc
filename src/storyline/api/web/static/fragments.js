// A section the server had not finished (an event's summary): fetched from its own URL and put in place.
// The fragment is the server's own escaped HTML, so inserting it runs nothing (and the CSP forbids inline code).
(function () {
  document.querySelectorAll("[data-fragment]").forEach(function (el) {
    fetch(el.dataset.fragment, {headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { el.innerHTML = html; el.removeAttribute("data-fragment"); el.dataset.loaded = "1"; })
      .catch(function () { /* the wait-for-it link stays */ });
  });
})();
