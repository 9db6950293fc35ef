// Refresh the certificate batch's progress every two seconds until it is done or failed.
(function () {
  "use strict";
  function poll() {
    var box = document.getElementById("batch-progress");
    if (!box || box.getAttribute("data-status") === "done" || box.getAttribute("data-status") === "failed") return;
    fetch(window.location.href, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#batch-progress");
        if (fresh) box.replaceWith(fresh);
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
