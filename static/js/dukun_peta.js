// The dukun map (templates/dukun/dukun_peta.html). Data come from the page, not from inline code:
// the points from the json_script block #titik-dukun, the paths from data-* attributes of #peta-dukun.
(function () {
  "use strict";
  var kotak = document.getElementById("peta-dukun");
  var data = document.getElementById("titik-dukun");
  if (!kotak || !data || !window.L) { return; }
  var points = JSON.parse(data.textContent);
  L.Icon.Default.imagePath = kotak.dataset.ikon;
  var map = L.map(kotak);
  // The tile host is allowed in the CSP's img-src (config/settings.py).
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
  }).addTo(map);
  var markers = points.map(function (p) {
    var m = L.circleMarker([p.lat, p.lng], {radius: 7, color: p.status === "aktif" ? "#198754" : "#6c757d"});
    var a = document.createElement("a");
    a.href = kotak.dataset.tautan + p.id + "/";
    a.textContent = p.nama + " — " + p.kelurahan;
    m.bindPopup(a);
    return m.addTo(map);
  });
  if (markers.length) {
    map.fitBounds(L.featureGroup(markers).getBounds().pad(0.2));
  } else {
    map.setView([-1.6, 103.6], 11);
  }
})();
