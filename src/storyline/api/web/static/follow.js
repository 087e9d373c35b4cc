// Follow buttons: POST /api/follows with the server's token (asked once, kept in this browser's localStorage).
// The token goes in the Authorization header, never a cookie, so another site cannot make the browser follow.
(function () {
  function label(button, text) { button.querySelector(".follow-state").textContent = text; }
  document.querySelectorAll("button.follow").forEach(function (button) {
    button.addEventListener("click", function () {
      var token = window.localStorage.getItem("storylineToken");
      if (!token) {
        token = window.prompt(button.dataset.ask || "Token");
        if (!token) { return; }
        window.localStorage.setItem("storylineToken", token);
      }
      var params = new URLSearchParams();
      params.set(button.dataset.kind, button.dataset.id);
      fetch("/api/follows?" + params.toString(), {method: "POST", headers: {"Authorization": "Bearer " + token}})
        .then(function (r) {
          if (r.status === 401 || r.status === 403) { window.localStorage.removeItem("storylineToken"); }
          label(button, r.ok ? button.dataset.done : button.dataset.failed + " (" + r.status + ")");
          if (r.ok) { button.disabled = true; }
        })
        .catch(function () { label(button, button.dataset.failed); });
    });
  });
})();
