/* Dashboards: the trend charts (Chart.js) and the dukun map (Leaflet).
   Data arrive in <script type="application/json"> blocks written by Django's json_script; the numbers
   are also in the tables on the page, so without JavaScript nothing is lost but the pictures. */
(function () {
  "use strict";

  function baca(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var WARNA_PENOLONG = {
    dokter: "#0d6efd", bidan: "#198754", bidan_dukun: "#20c997", dukun: "#dc3545", keluarga: "#6c757d"
  };

  function angkaId(n) {
    return Number(n).toLocaleString(document.documentElement.lang || "id");
  }

  function grafik() {
    var g = baca("data-grafik");
    if (!g || !window.Chart) { return; }
    var kecil = window.innerWidth < 576;
    var umum = {
      responsive: true,
      aspectRatio: kecil ? 1.1 : 2,
      animation: false,
      plugins: {
        legend: {position: "bottom", labels: {boxWidth: 12}},
        tooltip: {callbacks: {label: function (c) { return c.dataset.label + ": " + angkaId(c.parsed.y); }}}
      }
    };
    var penolong = document.getElementById("grafik-penolong");
    if (penolong) {
      new window.Chart(penolong, {
        type: "bar",
        data: {
          labels: g.bulan,
          datasets: g.penolong.map(function (s) {
            return {label: s.label, data: s.data, backgroundColor: WARNA_PENOLONG[s.kode] || "#adb5bd", stack: "p"};
          })
        },
        options: Object.assign({}, umum, {
          scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true, ticks: {precision: 0}}},
          plugins: Object.assign({}, umum.plugins, {title: {display: true, text: g.judul_penolong}})
        })
      });
    }
    var dukun = document.getElementById("grafik-dukun");
    if (dukun) {
      new window.Chart(dukun, {
        type: "line",
        data: {
          labels: g.bulan,
          datasets: [{
            label: g.dukun_sendiri.label, data: g.dukun_sendiri.data, borderColor: "#dc3545",
            backgroundColor: "#dc3545", tension: 0.2, pointRadius: 3
          }]
        },
        options: Object.assign({}, umum, {
          scales: {y: {beginAtZero: true, ticks: {precision: 0}}},
          plugins: Object.assign({}, umum.plugins, {title: {display: true, text: g.judul_dukun}})
        })
      });
    }
  }

  function peta() {
    var el = document.getElementById("peta-dasbor");
    var titik = baca("titik-dukun");
    if (!el || !titik || !window.L) { return; }
    window.L.Icon.Default.imagePath = el.dataset.ikon;
    var map = window.L.map(el);
    window.L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
    }).addTo(map);
    var markers = titik.map(function (p) {
      var m = window.L.circleMarker([p.lat, p.lng], {radius: 7, color: p.status === "aktif" ? "#198754" : "#6c757d"});
      var a = document.createElement("a");
      a.href = el.dataset.tautan + p.id + "/";
      a.textContent = p.nama + " — " + p.kelurahan;
      m.bindPopup(a);
      return m.addTo(map);
    });
    if (markers.length) {
      map.fitBounds(window.L.featureGroup(markers).getBounds().pad(0.2));
    } else {
      map.setView([-1.6, 103.6], 11);
    }
  }

  grafik();
  peta();
})();
