// Small keyboard helps; every page works without this file.
(function () {
  "use strict";

  // Ctrl+Enter (Cmd+Enter) in a text box saves its form, as Enter does in a one-line field.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.tagName === "TEXTAREA" && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
    }
  });

  // A page shown again with errors: put the cursor on the first field that needs correcting.
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  });

  // Reception desk: when the visitor is new, start the new person's fields from what was searched
  // (a name, a phone number or an IIN), so nothing is typed twice. A field the user typed in is left alone.
  var NEW_PERSON_FIELDS = ["id_full_name", "id_phone", "id_iin"];
  function prefillNewPerson() {
    var query = document.getElementById("q");
    var chosen = document.querySelector('#walk-in input[name="person"]:checked');
    if (!query || !chosen || chosen.value !== "new") {
      return;
    }
    var text = query.value.trim();
    var digits = text.replace(/[\s()+\-]/g, "");
    var target = "id_full_name";
    if (/^\d{12}$/.test(digits)) {
      target = "id_iin";
    } else if (/^\d+$/.test(digits)) {
      target = "id_phone";
    }
    NEW_PERSON_FIELDS.forEach(function (id) {
      var input = document.getElementById(id);
      if (!input || (input.value && input.value !== input.dataset.prefilled)) {
        return;
      }
      input.value = id === target ? text : "";
      input.dataset.prefilled = input.value;
    });
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "person-results") {
      prefillNewPerson();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.name === "person") {
      prefillNewPerson();
    }
  });
})();
