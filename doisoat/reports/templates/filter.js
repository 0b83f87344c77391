(function () {
  var box = document.getElementById("loc-sai-lech");
  if (!box) { return; }
  box.addEventListener("input", function () {
    var query = box.value.trim().toLowerCase();
    document.querySelectorAll("tr[data-q]").forEach(function (row) {
      row.hidden = query !== "" && row.getAttribute("data-q").indexOf(query) < 0;
    });
    if (query !== "") {
      document.querySelectorAll("details.drill").forEach(function (d) { d.open = true; });
    }
  });
})();
