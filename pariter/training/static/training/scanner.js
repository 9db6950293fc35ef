// Check-in at the door: read QR codes with the phone's camera (the browser's BarcodeDetector), or type the code.
// Self-hosted, no library: where BarcodeDetector or the camera is missing, the typed code is the fallback.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  var result = document.getElementById("checkin-result");
  var box = document.getElementById("scanner");
  var video = document.getElementById("scanner-video");
  var start = document.getElementById("scanner-start");
  if (!form || !result) return;

  function show(ok, message) {
    result.className = "mt-3 alert " + (ok ? "alert-success" : "alert-danger");
    result.textContent = message;
  }

  function send(code) {
    var data = new FormData(form);
    data.set("code", code);
    return fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (body) { show(body.ok, body.message); })
      .catch(function () { show(false, form.getAttribute("data-offline") || "Network error"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector("[name=code]");
    send(input.value).then(function () { input.value = ""; input.focus(); });
  });

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !box || !video || !start) return;
  box.hidden = false;
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var last = "";
  var lastAt = 0;

  function tick() {
    if (video.readyState < 2) { window.requestAnimationFrame(tick); return; }
    detector.detect(video).then(function (codes) {
      var now = Date.now();
      // The same code in front of the camera is read many times a second: send it once every few seconds.
      if (codes.length && (codes[0].rawValue !== last || now - lastAt > 4000)) {
        last = codes[0].rawValue;
        lastAt = now;
        send(last);
      }
      window.setTimeout(tick, 250);
    }).catch(function () { window.setTimeout(tick, 500); });
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.play();
      start.hidden = true;
      tick();
    }).catch(function () { box.hidden = true; });
  });
})();
