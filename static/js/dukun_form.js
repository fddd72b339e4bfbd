// "Ambil lokasi" on the dukun form (templates/dukun/dukun_form.html): fills latitude and longitude
// from the phone's GPS. The message comes from the script tag's data-galat-lokasi (translated).
(function () {
  "use strict";
  var pesanGalat = document.currentScript.dataset.galatLokasi;
  var button = document.getElementById("ambil-lokasi");
  if (!button) { return; }
  if (!navigator.geolocation) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
    }, function () {
      var galat = document.createElement("div");
      galat.className = "small text-danger";
      galat.textContent = pesanGalat;
      button.insertAdjacentElement("afterend", galat);
    }, {enableHighAccuracy: true, timeout: 15000});
  });
})();
