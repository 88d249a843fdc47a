// Sextant's one script: small improvements over pages that work without it.
// - A range input with a data-output attribute shows its value live in that <output> (and the
//   budget it means, from data-total and data-currency, in #budget-pct and #budget-amount), and a
//   form marked data-autosubmit is sent when the range is let go (the budget slider re-plans
//   without pressing the button, which stays there for those without scripts).
// - A button with data-confirm asks before its form is sent (deleting something).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[type=range][data-output]").forEach(function (r) {
    var out = document.getElementById(r.getAttribute("data-output"));
    var total = parseFloat(r.getAttribute("data-total"));
    var pct = document.getElementById("budget-pct");
    var amount = document.getElementById("budget-amount");
    var show = function () {
      var v = parseFloat(r.value);
      if (out) { out.textContent = Math.round(v * 100) + "%"; }
      if (pct) { pct.textContent = Math.round(v * 100) + "%"; }
      if (amount && !isNaN(total)) {
        try {
          amount.textContent = new Intl.NumberFormat(undefined, {
            style: "currency", currency: r.getAttribute("data-currency") || "USD", maximumFractionDigits: 0
          }).format(total * v);
        } catch (e) { /* an unknown currency code: keep the server's figure */ }
      }
    };
    r.addEventListener("input", show);
    show();
    var form = r.form;
    if (form && form.hasAttribute("data-autosubmit")) {
      r.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    }
  });
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
});
