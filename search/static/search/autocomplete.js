// Suggestions under the search inputs, from GET /api/search/autocomplete/?q=…
// ARIA combobox pattern: the input owns a listbox; arrows move, Enter opens, Escape closes.
(function () {
  "use strict";

  var script = document.currentScript;
  var endpoint = script && script.dataset.autocompleteUrl;
  var selectors = (script && script.dataset.inputs) || "#search-q";
  if (!endpoint || !window.fetch) return;

  var MIN_CHARS = 2;
  var DELAY_MS = 150;

  function setup(input, index) {
    var listId = "autocomplete-" + index;
    var wrapper = document.createElement("div");
    wrapper.className = "autocomplete";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "autocomplete__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    wrapper.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(position) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === position ? "true" : "false");
      });
      active = position;
      if (position >= 0) {
        input.setAttribute("aria-activedescendant", options[position].id);
        options[position].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(item) {
      if (item && item.url) window.location.assign(item.url);
    }

    function render(results) {
      list.innerHTML = "";
      items = results;
      active = -1;
      if (!results.length) {
        close();
        status.textContent = "Aucune suggestion.";
        return;
      }
      results.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-option-" + i;
        option.className = "autocomplete__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = item.title;
        var kind = document.createElement("small");
        kind.textContent = item.kind_label;
        option.appendChild(kind);
        // mousedown keeps focus in the input until the page changes.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          go(item);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent =
        results.length + (results.length > 1 ? " suggestions disponibles." : " suggestion disponible.") +
        " Flèches haut et bas pour les parcourir.";
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        close();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(endpoint + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { items: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query) render(data.items || []);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") close();
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim().length >= MIN_CHARS) fetchSuggestions();
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(active + 1 < items.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active > 0 ? active - 1 : items.length - 1);
      } else if (event.key === "Enter" && active >= 0) {
        // Enter on a suggestion opens it; otherwise the form searches as usual.
        event.preventDefault();
        go(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 100);
    });
  }

  document.querySelectorAll(selectors).forEach(setup);
})();
