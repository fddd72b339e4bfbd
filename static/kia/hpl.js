/* HPL by Naegele's rule while the HPHT is typed: first day of the last period + 7 days − 3 months + 1 year.
   Shows the date under the fields and fills the HPL when it is empty or still holds the last computed value;
   a date the bidan typed herself is left alone. The server computes the same when the HPL is left empty. */
(function () {
  "use strict";
  var hpht = document.querySelector("input[data-hpht]");
  var hpl = document.querySelector("input[data-hpl]");
  var hint = document.getElementById("hpl-naegele");
  if (!hpht || !hpl || !hint) { return; }
  var terakhir = "";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(d) { return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()); }

  function naegele(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    if (!m) { return null; }
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + 7));
    var year = d.getUTCFullYear() + 1, month = d.getUTCMonth() - 3;
    if (month < 0) { month += 12; year -= 1; }
    var last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();  // like relativedelta: keep to the month's end
    return new Date(Date.UTC(year, month, Math.min(d.getUTCDate(), last)));
  }

  function update() {
    var d = naegele(hpht.value);
    if (!d) { hint.textContent = ""; return; }
    var teks = d.toLocaleDateString(document.documentElement.lang || "id",
      {day: "numeric", month: "long", year: "numeric", timeZone: "UTC"});
    hint.textContent = (hint.dataset.awalan || "") + " " + teks;
    if (!hpl.value || hpl.value === terakhir) {
      hpl.value = iso(d);
      terakhir = hpl.value;
    }
  }

  hpht.addEventListener("change", update);
  if (hpht.value) {
    var awal = naegele(hpht.value);
    if (awal && hpl.value === iso(awal)) { terakhir = hpl.value; }
    update();
  }
})();
