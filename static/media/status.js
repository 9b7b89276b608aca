// While an item is uploaded/processing, poll its state and update the card; reload once it settles.
(function () {
  "use strict";
  var pending = document.querySelectorAll('[data-state="uploaded"], [data-state="processing"]');
  if (!pending.length || !window.fetch) { return; }
  function poll(card, attempt) {
    fetch("/api/v1/media/" + card.dataset.mediaId + "/", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (item) {
        var label = card.querySelector(".media-state");
        if (label && item.state) { label.textContent = item.state; }
        if (item.state === "uploaded" || item.state === "processing") {
          setTimeout(function () { poll(card, attempt + 1); }, Math.min(10000, 1000 * (attempt + 1)));
        } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(function () { poll(card, attempt + 1); }, 5000); });
  }
  Array.prototype.forEach.call(pending, function (card) { poll(card, 0); });
})();
