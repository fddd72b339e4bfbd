// The meeting page (templates/kemitraan/pertemuan_detail.html): htmx error handling for attendance
// taps and forms, and the confirmation before deleting an attachment. Messages come from the
// script tag's data-* attributes (translated in the template).
(function () {
  "use strict";
  var teks = document.currentScript.dataset;
  var kotak = document.getElementById("galat-htmx");
  function tampil(pesan) { kotak.textContent = pesan; kotak.classList.remove("d-none"); }
  // A refused tap or form (400) carries its own message: swap it in like a success.
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status === 400) { e.detail.shouldSwap = true; e.detail.isError = false; }
  });
  document.body.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.successful || e.detail.xhr.status === 400) { kotak.classList.add("d-none"); }
  });
  document.body.addEventListener("htmx:responseError", function (e) {
    if (e.detail.xhr.status === 400) { return; }
    tampil(teks.galatSimpan + " (" + e.detail.xhr.status + ")");
  });
  document.body.addEventListener("htmx:sendError", function () {
    tampil(teks.galatSambungan);
  });
  // <form data-konfirmasi="…">: ask before sending (an inline onsubmit would need 'unsafe-inline').
  document.addEventListener("submit", function (e) {
    var pesan = e.target.dataset && e.target.dataset.konfirmasi;
    if (pesan && !window.confirm(pesan)) { e.preventDefault(); }
  });
})();
